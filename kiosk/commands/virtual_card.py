"""``kiosk virtual-card``: put a virtual e-tjänstekort into a vpcd reader slot until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from clock import system_clock

ENV_MASTER_SECRET = "KIOSK_CARD_MASTER_SECRET"  # noqa: S105  (a variable name)


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "virtual-card",
        help="insert a virtual card into a vpcd reader (0 = operator, 1 = customer)",
        description="Personalises a virtual PIV card (test PKI, real keys) and inserts it "
        "into the vsmartcard-vpcd reader slot under pcscd; Ctrl-C removes it. The card's "
        "7xx PUK is derived from the card-management master secret "
        f"(${ENV_MASTER_SECRET}, or the demo secret).",
    )
    parser.add_argument("--reader", type=int, choices=(0, 1), required=True)
    parser.add_argument(
        "--product",
        choices=("5xx", "6xx", "7xx", "none"),
        default="7xx",
        help="product number series printed on the card (R7)",
    )
    parser.add_argument("--product-number", help="exact product number, e.g. 712")
    parser.add_argument("--pin", default="123456", help="the card's PIN (default 123456)")
    parser.add_argument("--puk", help="the card's PUK (default: per the product series)")
    parser.add_argument("--no-signing-cert", action="store_true", help="leave slot 9C empty (R5)")
    parser.add_argument(
        "--holder", default=None, help="personnummer or HSA-id (default: a test personnummer)"
    )
    parser.add_argument("--name", default=None, help="holder name on the certificates")
    parser.add_argument("--key-type", choices=("p256", "rsa2048"), default="p256")
    parser.add_argument("--reserve", choices=("LoA2", "LoA3"), help="make a reserve card (R12)")
    parser.add_argument(
        "--pki-dir",
        type=Path,
        default=None,
        help="test PKI folder (created on first use); the kiosk trusts its root and "
        "intermediate. Default: <data dir>/test-pki",
    )
    parser.add_argument(
        "--variant",
        choices=("ok", "expired", "not_yet_valid", "wrong_chain"),
        default="ok",
        help="certificate variant, for refusals",
    )
    parser.add_argument("--lang", choices=("sv", "en"), default="sv")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from devices.virtual.factory import (
        DEMO_MASTER_SECRET,
        TEST_NAME,
        TEST_PERSONNUMMER,
        CardFactory,
        code_letter_text,
    )
    from devices.virtual.pki_files import load_or_create_pki, write_pem_bundle
    from devices.virtual.vpcd import VpcdCard, insert_until_interrupted
    from kiosk.config import default_data_dir
    from kiosk.i18n import Catalogue

    pki_dir = args.pki_dir or default_data_dir() / "test-pki"
    pki = load_or_create_pki(pki_dir, now=system_clock())
    write_pem_bundle(pki, pki_dir / "bundle")
    secret = os.environ.get(ENV_MASTER_SECRET, "").encode() or DEMO_MASTER_SECRET
    factory = CardFactory(pki, master_secret=secret)
    issued = factory.personalise(
        holder_id=args.holder or TEST_PERSONNUMMER,
        name=args.name or TEST_NAME,
        product=args.product,
        product_number=args.product_number,
        pin=args.pin,
        puk=args.puk,
        signing=not args.no_signing_cert,
        key_type=args.key_type,
        variant=args.variant,
        reserve=args.reserve,
    )
    link = VpcdCard(issued.card, reader=args.reader)
    text = Catalogue(args.lang)
    print(
        text(
            "card.virtual.inserting",
            reader=link.reader_name,
            serial=issued.serial,
            product=issued.product_number or "-",
        ),
        flush=True,
    )
    print(text("card.virtual.trust", path=str(pki_dir / "bundle")), flush=True)
    if issued.product_series != "7xx":
        print(code_letter_text(issued.serial, issued.puk, lang=args.lang), flush=True)
    else:
        print(text("card.virtual.puk_derived"), flush=True)
    try:
        insert_until_interrupted(link)
    except KeyboardInterrupt:
        print(text("card.virtual.removed"), file=sys.stderr)
    return 0

"""``kiosk receipt verify FILE.pdf`` and ``kiosk receipt reprint EVENT_ID``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from clock import system_clock

EXIT_OK = 0
EXIT_FAILED = 1


def _store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=None, help="kiosk TOML configuration")
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: config)")
    parser.add_argument("--db", default=None, help="database URL (default: from the data dir)")
    parser.add_argument("--key", type=Path, default=None, help="key file (default: data dir)")
    parser.add_argument("--lang", choices=("sv", "en"), default=None, help="language")


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "receipt",
        help="verify a receipt PDF or print a receipt again from the journal",
        description="Receipts of the card workflows: check a receipt against the journal "
        "and the holder's certificate, or make it again from the journal.",
    )
    receipt_sub = parser.add_subparsers(dest="receipt_command", metavar="ACTION")
    verify = receipt_sub.add_parser(
        "verify",
        help="check a receipt PDF; exit 0 when genuine, 1 otherwise",
        description="Checks that the PDF's facts match its digest and its printed text, "
        "that the event is in the journal with the same facts, and that the holder's "
        "signature (activation, return) is valid, made with the holder's certificate, and "
        "(with --trust) chains to the trusted issuers. Exit 0: genuine; 1: not.",
    )
    verify.add_argument("file", type=Path, help="the receipt PDF")
    verify.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        help="PEM file of trusted intermediate and root certificates (repeatable; "
        "default: the PEM files in the configured trust_dir)",
    )
    _store_arguments(verify)
    verify.set_defaults(func=run_verify)
    reprint = receipt_sub.add_parser(
        "reprint",
        help="render a receipt again from the journal and print it (or save it)",
        description="Renders the receipt of EVENT_ID from the journal, with the holder's "
        "signature when the journal recorded one, and sends it to the configured printer "
        "(lp), or to the receipts folder; --out writes it to a file instead.",
    )
    reprint.add_argument("event_id", help="journal event id (printed on the receipt)")
    reprint.add_argument("--out", type=Path, default=None, help="write the PDF here")
    _store_arguments(reprint)
    reprint.set_defaults(func=run_reprint)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def open_from_args(args: argparse.Namespace) -> tuple[Any, Any]:
    """(config, store) from the common arguments; refuses a missing database file."""
    from kiosk.config import load_config
    from store.database import open_store, sqlite_path
    from store.errors import DatabaseMissingError
    from store.keys import load_keys

    config = load_config(args.config)
    if args.data is not None:
        config = config.with_data_dir(args.data)
    args.lang = args.lang or config.language
    url = args.db or config.resolved_database_url
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseMissingError(path=str(path))
    keys = load_keys(args.key or config.resolved_key_file)
    return config, open_store(url, keys)


def run_verify(args: argparse.Namespace) -> int:
    from devices.card.certs import TrustAnchors
    from kiosk.i18n import Catalogue
    from kiosk.receipts.errors import ReceiptUnreadableError
    from kiosk.receipts.verify import verify_receipt

    try:
        pdf = args.file.read_bytes()
    except OSError:
        raise ReceiptUnreadableError(path=str(args.file)) from None
    config, store = open_from_args(args)
    trust = list(args.trust) or sorted(config.resolved_trust_dir.glob("*.pem"))
    anchors = TrustAnchors.from_pem_files(trust) if trust else None
    text = Catalogue(args.lang)
    try:
        report = verify_receipt(pdf, store=store, office_id=config.office_id, anchors=anchors)
    finally:
        store.close()
    for finding in report.findings:
        label = text(f"receipt.verify.{finding.status}")
        print(f"{label:5} {text(finding.key, **finding.params)}")
    print(text("receipt.verify.result_ok") if report.ok else text("receipt.verify.result_fail"))
    return EXIT_OK if report.ok else EXIT_FAILED


def run_reprint(args: argparse.Namespace) -> int:
    from kiosk.i18n import Catalogue
    from kiosk.receipts.printing import save_pdf
    from kiosk.receipts.service import ReceiptIssuer
    from store.journal import Journal

    config, store = open_from_args(args)
    text = Catalogue(args.lang)
    try:
        service = ReceiptIssuer(
            store,
            Journal(config.kiosk_id, store.keys, store.cipher, clock=system_clock),
            office_id=config.office_id,
            config=config.receipts,
            folder=config.resolved_receipts_folder,
            lang=args.lang,
            office=config.office,
        )
        if args.out is not None:
            facts = service.facts(args.event_id)
            pdf = service.render(facts, signature=service.recorded_signature(facts))
            path = save_pdf(args.out.parent, args.out.name, pdf)
            print(text("receipt.saved", path=path))
            return EXIT_OK
        outcome = service.reprint(args.event_id)
    finally:
        store.close()
    print(outcome.describe(text))
    return EXIT_OK if outcome.delivery is not None and outcome.delivery.delivered else EXIT_FAILED

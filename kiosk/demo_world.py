"""The demo's device panel: the virtual cards of ``kiosk.demo_data`` and the identity
documents the virtual scanner can show.

The virtual cards are personalised anew at each start (their keys live in memory only),
from a test PKI kept in the data directory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from clock import local_date
from devices.virtual.factory import DEMO_MASTER_SECRET, CardFactory, PersonalisedCard
from devices.virtual.pki import TestPki
from devices.virtual.pki_files import load_or_create_pki
from kiosk.demo_data import CARDS, DEMO_PIN, HOLDERS, OPERATORS, DemoCardSpec
from kiosk.demo_documents import demo_documents
from kiosk.i18n import DEFAULT_LANGUAGE, Catalogue


@dataclass
class DemoWorld:
    """What the demo's device panel offers: cards by key, documents by name, and their
    labels (``labels[card key]`` and ``labels["document:" + name]``)."""

    pki: TestPki
    cards: dict[str, PersonalisedCard] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    documents: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def operator_fingerprint(card: PersonalisedCard) -> str:
    der = card.holder.authentication.cert.public_bytes(Encoding.DER)
    return hashlib.sha256(der).hexdigest()


def build_demo_world(pki_dir: Path, now: dt.datetime, lang: str = DEFAULT_LANGUAGE) -> DemoWorld:
    """Personalise the demo's virtual cards (fresh keys) from the kept test PKI.

    The device panel's labels come from the catalogue (``demo.toml``) in ``lang``."""
    text = Catalogue(lang)
    pki = load_or_create_pki(pki_dir, now=now)
    factory = CardFactory(pki, master_secret=DEMO_MASTER_SECRET)
    world = DemoWorld(pki=pki, documents=demo_documents(local_date(now)))
    for op in OPERATORS:
        world.cards[op.key] = factory.personalise(
            holder_id=op.hsa_id,
            name=op.name,
            serial=op.serial,
            product_number=op.product_number,
            pin=DEMO_PIN,
            variant=op.variant,  # type: ignore[arg-type]
        )
        world.labels[op.key] = text(f"demo.operator.{op.key}", hsa_id=op.hsa_id)
    holders = {h.key: h for h in HOLDERS}
    for spec in CARDS:
        holder = holders[spec.holder]
        card = factory.personalise(
            holder_id=holder.personnummer,
            name=holder.name,
            serial=spec.serial,
            product="none" if spec.product_number is None else "7xx",
            product_number=spec.product_number,
            pin=DEMO_PIN,
            signing=spec.signing,
            reserve=spec.reserve,  # type: ignore[arg-type]
        )
        _wear(card, spec)
        world.cards[spec.key] = card
        world.labels[spec.key] = text(f"demo.card.{spec.key}", serial=spec.serial[-4:])
    for name in world.documents:
        world.labels[f"document:{name}"] = text(f"demo.document.{name}")
    return world


def _wear(card: PersonalisedCard, spec: DemoCardSpec) -> None:
    """Bring the virtual card into the physical state its spec describes."""
    engine = card.card
    select_piv = bytes.fromhex("00A4040009A00000030800001000")
    engine.transmit(select_piv)
    wrong_pin = bytes.fromhex("0020008008") + b"000000" + b"\xff\xff"
    if spec.pin_locked:
        for _ in range(3):
            engine.transmit(wrong_pin)
    if spec.puk_blocked:
        wrong_puk = bytes.fromhex("002C008010") + b"00000000" + b"11111111"
        for _ in range(10):
            engine.transmit(wrong_puk)
    engine.power_off()

"""Demo data for ``kiosk demo``: an office, a clerk and an id-administrator, holders and
cards in every state the rules know, the virtual cards that go with them and the
identity documents the virtual scanner can show.

The virtual cards are personalised anew at each start (their keys live in memory only),
from a test PKI kept in the data directory; the operator roster is refreshed to the new
certificates at each start. Holders and cards are written once, on the first start, so
what the clerk does in one demo session is still there in the next.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from clock import local_date
from devices.virtual.factory import DEMO_MASTER_SECRET, CardFactory, PersonalisedCard, derive_puk
from devices.virtual.pki import TestPki
from devices.virtual.pki_files import load_or_create_pki
from kiosk.demo_cast import (
    CARDS,
    DEMO_OFFICE_ID,
    DEMO_OFFICE_NAME,
    DEMO_PIN,
    HOLDERS,
    OPERATORS,
    ORGANISATION,
    OTHER_OFFICE_ID,
    OTHER_OFFICE_NAME,
    DemoCardSpec,
)
from kiosk.demo_documents import demo_documents
from kiosk.i18n import DEFAULT_LANGUAGE, Catalogue
from protocol.event_types import EventType
from store.cards import add_cards, add_offices, registered_office_name
from store.crypto import FieldCipher
from store.database import Store
from store.deadlines import add_deadline
from store.holders import add_holder, add_operator, set_operator_fingerprint
from store.journal import Journal
from store.puk_cache import put_puk
from store.records import CardRecord


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


def seed_store(
    store: Store,
    cipher: FieldCipher,
    journal: Journal,
    world: DemoWorld,
    *,
    now: dt.datetime,
) -> bool:
    """Write the demo office, roster, holders and cards once; refresh the roster always.

    Returns True when the demo data was written for the first time.
    """
    today = local_date(now)
    with store.unit_of_work() as tx:
        first = registered_office_name(tx, DEMO_OFFICE_ID) is None
        if first:
            add_offices(tx, {DEMO_OFFICE_ID: DEMO_OFFICE_NAME, OTHER_OFFICE_ID: OTHER_OFFICE_NAME})
        for op in OPERATORS:
            if not op.on_roster:
                continue
            fingerprint = operator_fingerprint(world.cards[op.key])
            if not set_operator_fingerprint(tx, op.hsa_id, fingerprint):
                add_operator(
                    tx,
                    cipher,
                    hsa_id=op.hsa_id,
                    role=op.role,
                    cert_fingerprint=fingerprint,
                    name=op.name,
                    office_id=DEMO_OFFICE_ID,
                    active=op.active,
                )
        if not first:
            return False
        holder_ids = {
            holder.key: add_holder(
                tx,
                cipher,
                personnummer=holder.personnummer,
                name=holder.name,
                hsa_id=holder.hsa_id,
                organisation=ORGANISATION,
            )
            for holder in HOLDERS
        }
        add_cards(tx, [_card_record(spec, holder_ids[spec.holder], today, now) for spec in CARDS])
        for spec in CARDS:
            if spec.deadline is not None:
                kind, days = spec.deadline
                add_deadline(
                    tx,
                    spec.serial,
                    kind=kind,
                    due=today + dt.timedelta(days=days),
                    deadline_id=f"demo-{spec.key}",
                )
            own_7xx = (spec.product_number or "").startswith("7")
            if own_7xx and spec.photo_office == DEMO_OFFICE_ID:
                put_puk(
                    tx,
                    cipher,
                    card_serial=spec.serial,
                    product_number=spec.product_number,
                    puk=derive_puk(DEMO_MASTER_SECRET, spec.serial),
                )
        journal.append(
            tx,
            event_type=EventType.DEMO_SEEDED,
            operator=None,
            payload={
                "office": DEMO_OFFICE_ID,
                "holders": len(HOLDERS),
                "cards": len(CARDS),
                "operators": len(OPERATORS),
            },
            now=now,
        )
    return True


def _card_record(
    spec: DemoCardSpec, holder_id: str, today: dt.date, now: dt.datetime
) -> CardRecord:
    photo_date = (
        None if spec.photo_days_ago is None else today - dt.timedelta(days=spec.photo_days_ago)
    )
    return CardRecord(
        serial=spec.serial,
        holder_id=holder_id,
        product_number=spec.product_number,
        state=spec.state,
        shipment_method=spec.shipment,
        rek_id=spec.rek_id,
        photo_office_id=spec.photo_office,
        photo_date=photo_date,
        order_date=today - dt.timedelta(days=spec.order_days_ago),
        with_photo=spec.photo_days_ago is not None,
        sis_marked=spec.sis_marked,
        assurance_level=spec.reserve,
        is_reserve=spec.reserve is not None,
        has_signing_cert=spec.signing,
        replaced_by_serial=spec.replaced_by,
        blocked_reason=spec.blocked_reason,
        updated_at=now,
    )

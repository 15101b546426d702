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

DEMO_OFFICE_ID = "KK-SOLNA"
DEMO_OFFICE_NAME = "Kortkontoret Solna"
OTHER_OFFICE_ID = "KK-HUDDINGE"
OTHER_OFFICE_NAME = "Kortkontoret Huddinge"
ORGANISATION = "Region Stockholm"
DEMO_PIN = "123456"


@dataclass(frozen=True)
class DemoOperator:
    """An operator's own card; the last four exist to show each login refusal."""

    key: str
    hsa_id: str
    name: str
    role: str
    serial: str
    product_number: str
    variant: str = "ok"  # the certificate: ok, expired or wrong_chain (test PKI variants)
    on_roster: bool = True
    active: bool = True  # False: on the roster but blocked


@dataclass(frozen=True)
class DemoHolder:
    key: str
    personnummer: str
    name: str
    hsa_id: str | None = None


@dataclass(frozen=True)
class DemoCardSpec:
    """One holder's card and the situation it shows at the counter."""

    key: str
    holder: str
    serial: str
    product_number: str | None
    state: str
    shipment: str = "a_post"
    rek_id: str | None = None
    photo_office: str | None = DEMO_OFFICE_ID
    photo_days_ago: int | None = 12
    order_days_ago: int = 14
    sis_marked: bool = False
    reserve: str | None = None
    signing: bool = True
    replaced_by: str | None = None
    blocked_reason: str | None = None
    deadline: tuple[str, int] | None = None  # (kind, days from today; negative = overdue)
    pin_locked: bool = False
    puk_blocked: bool = False


OPERATORS = (
    DemoOperator("clerk", "SE2321000016-1001", "Clara Kvist", "clerk", "9752269000000101", "701"),
    DemoOperator("admin", "SE2321000016-1002", "Adam Berg", "id_admin", "9752269000000102", "702"),
    # operator cards that show each login refusal
    DemoOperator(
        "stranger",
        "SE2321000016-1099",
        "Sven Okänd",
        "clerk",
        "9752269000000199",
        "703",
        on_roster=False,
    ),
    DemoOperator(
        "expired-op",
        "SE2321000016-1003",
        "Eva Utgången",
        "clerk",
        "9752269000000103",
        "704",
        variant="expired",
    ),
    DemoOperator(
        "rogue-op",
        "SE2321000016-1004",
        "Rolf Fel",
        "clerk",
        "9752269000000104",
        "705",
        variant="wrong_chain",
    ),
    DemoOperator(
        "blocked-op",
        "SE2321000016-1005",
        "Bo Spärr",
        "clerk",
        "9752269000000105",
        "706",
        active=False,
    ),
)


HOLDERS = (
    DemoHolder("asa", "198503122387", "Åsa Linnéa Öberg"),
    DemoHolder("jons", "199207045486", "Jöns Ülrik Lindqvist"),
    DemoHolder("per", "196111209018", "Per Erik Nyström"),
    DemoHolder("kari", "198809014585", "Kari Haugen"),
    DemoHolder("cecilia", "197805141236", "Cecilia Ceder"),
    DemoHolder("david", "196908304568", "David Dahl"),
    DemoHolder("eva", "198202217892", "Eva Ek"),
    DemoHolder("fredrik", "197509092347", "Fredrik Falk", hsa_id="SE2321000016-2006"),
    DemoHolder("hans", "198804175670", "Hans Hav"),
    DemoHolder("ingrid", "199101018902", "Ingrid Is"),
    DemoHolder("johan", "196406063450", "Johan Jord"),
    DemoHolder("klara", "197003156788", "Klara Kvist"),
    DemoHolder("lena", "198307239015", "Lena Lind"),
    DemoHolder("mats", "195702280123", "Mats Mo"),
    DemoHolder("nora", "199506123455", "Nora Nord"),
)

CARDS = (
    DemoCardSpec("asa-new", "asa", "9752269000000201", "711", "shipped"),
    DemoCardSpec(
        "jons-reserve",
        "jons",
        "9752269000000202",
        "512",
        "locked",
        reserve="LoA2",
        signing=False,
        pin_locked=True,
        photo_days_ago=400,
        order_days_ago=402,
    ),
    DemoCardSpec(
        "per-active",
        "per",
        "9752269000000203",
        "613",
        "active",
        photo_days_ago=700,
        order_days_ago=702,
    ),
    DemoCardSpec(
        "kari-locked",
        "kari",
        "9752269000000204",
        "714",
        "locked",
        pin_locked=True,
        photo_days_ago=300,
        order_days_ago=301,
    ),
    DemoCardSpec(
        "cecilia-locked",
        "cecilia",
        "9752269000000205",
        "715",
        "locked",
        pin_locked=True,
        photo_days_ago=200,
        order_days_ago=201,
    ),
    DemoCardSpec(
        "david-undelivered",
        "david",
        "9752269000000206",
        "616",
        "shipped",
        photo_days_ago=40,
        order_days_ago=41,
    ),
    DemoCardSpec(
        "eva-registered",
        "eva",
        "9752269000000207",
        "717",
        "shipped",
        shipment="registered",
        rek_id="RR123456785SE",
        photo_office=OTHER_OFFICE_ID,
        photo_days_ago=9,
        order_days_ago=10,
    ),
    DemoCardSpec(
        "fredrik-sis",
        "fredrik",
        "9752269000000208",
        None,
        "active",
        sis_marked=True,
        photo_days_ago=500,
        order_days_ago=501,
    ),
    DemoCardSpec(
        "hans-replaced",
        "hans",
        "9752269000000209",
        "718",
        "replaced",
        replaced_by="9752269000000210",
        photo_days_ago=60,
        order_days_ago=61,
    ),
    DemoCardSpec(
        "hans-reorder",
        "hans",
        "9752269000000210",
        "718",
        "shipped",
        photo_days_ago=60,
        order_days_ago=25,
    ),
    DemoCardSpec(
        "ingrid-blocked",
        "ingrid",
        "9752269000000211",
        "519",
        "blocked",
        blocked_reason="lost",
        photo_days_ago=900,
        order_days_ago=901,
    ),
    DemoCardSpec(
        "johan-returned",
        "johan",
        "9752269000000212",
        "720",
        "returned",
        photo_days_ago=1200,
        order_days_ago=1201,
    ),
    DemoCardSpec(
        "klara-puk-blocked",
        "klara",
        "9752269000000213",
        "621",
        "puk_blocked",
        pin_locked=True,
        puk_blocked=True,
        photo_days_ago=800,
        order_days_ago=801,
    ),
    DemoCardSpec(
        "lena-name-change",
        "lena",
        "9752269000000214",
        "722",
        "active",
        deadline=("name_change", 20),
        photo_days_ago=600,
        order_days_ago=601,
    ),
    DemoCardSpec(
        "mats-overdue-return",
        "mats",
        "9752269000000215",
        "723",
        "active",
        deadline=("return", -3),
        photo_days_ago=1500,
        order_days_ago=1501,
    ),
    DemoCardSpec(
        "nora-ordered",
        "nora",
        "9752269000000216",
        None,
        "ordered",
        photo_office=None,
        photo_days_ago=None,
        order_days_ago=3,
    ),
)


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
    pki = TestPki.load_or_create(pki_dir, now=now)
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

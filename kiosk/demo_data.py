"""Demo data for ``kiosk demo``: an office, a clerk and an id-administrator, holders and
cards in every state the rules know.

These are the specifications only. ``kiosk.demo_world`` personalises the virtual cards
that go with them (and gathers the identity documents the virtual scanner can show);
``kiosk.demo_seed`` writes them into the store.
"""

from __future__ import annotations

from dataclasses import dataclass

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

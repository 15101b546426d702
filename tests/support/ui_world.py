"""A small counter world for the UI tests: PKI, operator and customer cards, holders on
record, identity documents. Nothing here touches a database.

Everything dated is relative to the clock the world is built on (``build_world(clock)``):
the UI tests pass the suite's ``clock`` fixture, the snapshots their own fixed instant.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding

from clock import LOCAL_ZONE, Clock, local_date
from devices.virtual.factory import CardFactory, PersonalisedCard
from devices.virtual.pki import TestPki
from kiosk.demo_documents import demo_documents
from kiosk.i18n import Catalogue
from kiosk.services.card_check import CardCheckService
from kiosk.services.context import ServiceHolder, Services, UiContext
from kiosk.services.demo_controls import DemoCard, DemoDocument, InProcessDemo
from kiosk.services.device_adapters import InProcessReaders
from kiosk.services.identity import IdentityCheckService
from kiosk.services.identity_check import DocumentIdentityChecker
from kiosk.services.login import LoginService
from kiosk.services.lookup import LookupService
from kiosk.services.ports import (
    CardView,
    DeadlineView,
    HistoryLine,
    HolderDetail,
    HolderSummary,
)
from kiosk.services.status import StatusService, SyncFigures
from kiosk.services.trust import AnchoredTrust
from kiosk.services.visit import VisitService
from store.records import OperatorRecord

PIN = "123456"
OFFICE = "KK-SOLNA"
# The holders' cards were photographed and ordered this many days before the world's day;
# the name-change deadline falls this many days after it.
PHOTO_DAYS_AGO = 41
DEADLINE_IN_DAYS = 90


@dataclass
class Holder:
    summary: HolderSummary
    cards: list[CardView] = field(default_factory=list)


class FakeRoster:
    def __init__(self) -> None:
        self.by_fp: dict[str, OperatorRecord] = {}

    def add(
        self, card: PersonalisedCard, hsa_id: str, name: str, role: str, *, active: bool = True
    ) -> None:
        der = card.holder.authentication.cert.public_bytes(Encoding.DER)
        fingerprint = hashlib.sha256(der).hexdigest()
        self.by_fp[fingerprint] = OperatorRecord(hsa_id, role, fingerprint, name, OFFICE, active)

    def find_by_hsa_id(self, hsa_id: str) -> OperatorRecord | None:
        return next((r for r in self.by_fp.values() if r.hsa_id == hsa_id), None)

    def fill_name(self, hsa_id: str, name: str) -> None:
        for fingerprint, record in self.by_fp.items():
            if record.hsa_id == hsa_id and not record.name:
                self.by_fp[fingerprint] = replace(record, name=name)

    def last_contact(self) -> dt.datetime | None:
        return None


class FakeDirectory:
    def __init__(self, holders: Sequence[Holder], now: dt.datetime) -> None:
        self.holders = {h.summary.holder_id: h for h in holders}
        self.now = now

    def by_personnummer(self, personnummer: str) -> list[HolderSummary]:
        digits = "".join(c for c in personnummer if c.isdigit())[-10:]
        return [h.summary for h in self.holders.values() if h.summary.personnummer[-10:] == digits]

    def by_name(self, text: str) -> list[HolderSummary]:
        return [h.summary for h in self.holders.values() if text.lower() in h.summary.name.lower()]

    def by_birth_date(self, digits: str) -> list[HolderSummary]:
        return [h.summary for h in self.holders.values() if h.summary.personnummer[:8] == digits]

    def by_card_serial(self, serial: str) -> list[HolderSummary]:
        return [
            h.summary for h in self.holders.values() if any(c.serial == serial for c in h.cards)
        ]

    def detail(self, holder_id: str) -> HolderDetail | None:
        holder = self.holders.get(holder_id)
        if holder is None:
            return None
        deadlines: tuple[DeadlineView, ...] = ()
        history: tuple[HistoryLine, ...] = ()
        if holder.cards:
            first = holder.cards[0]
            due = local_date(self.now) + dt.timedelta(days=DEADLINE_IN_DAYS)
            deadlines = (DeadlineView("name_change", due, first.serial),)
            history = (
                HistoryLine(
                    self.now - dt.timedelta(days=40),
                    "card.ordered",
                    "SE2321000016-1001",
                    first.serial,
                ),
                HistoryLine(
                    self.now - dt.timedelta(days=5),
                    "card.activated",
                    "SE2321000016-1001",
                    first.serial,
                ),
            )
        return HolderDetail(holder.summary, tuple(holder.cards), deadlines, history)


class FakeSync:
    def __init__(self) -> None:
        self.value = SyncFigures(True, 3, 1, 720.0)

    def figures(self) -> SyncFigures:
        return self.value


class MemoryRecorder:
    def __init__(self) -> None:
        self.records: list[Any] = []

    def record(self, record: Any) -> str:
        self.records.append(record)
        return f"event-{len(self.records)}"


@dataclass
class World:
    clock: Clock
    pki: TestPki
    documents: Mapping[str, tuple[str, ...]]
    readers: InProcessReaders
    cards: dict[str, PersonalisedCard]
    roster: FakeRoster
    directory: FakeDirectory
    sync: FakeSync
    recorder: MemoryRecorder
    services: Services

    def zone(self, name: str) -> str:
        """A document of the world's day (``kiosk.demo_documents``), as the scanner sends it."""
        return "\n".join(self.documents[name])

    def insert(self, role: str, name: str) -> None:
        from kiosk.services.ports import ReaderRole

        self.readers.insert(ReaderRole(role), self.cards[name].card)

    def remove(self, role: str) -> None:
        from kiosk.services.ports import ReaderRole

        self.readers.remove(ReaderRole(role))


_PKIS: dict[dt.datetime, TestPki] = {}


def pki_at(now: dt.datetime) -> TestPki:
    """One test PKI per moment and test process (key generation is slow)."""
    if now not in _PKIS:
        _PKIS[now] = TestPki.create(now=now)
    return _PKIS[now]


def card_view(
    card: PersonalisedCard, today: dt.date, state: str = "active", **extra: Any
) -> CardView:
    photographed = today - dt.timedelta(days=PHOTO_DAYS_AGO)
    return CardView(
        serial=card.serial,
        product_number=card.product_number,
        state=state,
        shipment="a_post",
        photo_office=OFFICE,
        photo_date=photographed,
        order_date=photographed,
        has_signing_cert=card.holder.signing is not None,
        **extra,
    )


def build_world(clock: Clock, *, documents: Mapping[str, tuple[str, ...]] | None = None) -> World:
    """The world on ``clock``: its PKI, cards and holders dated from the moment it is built;
    ``documents`` (by name) default to the demo's documents of that day."""
    now = clock()
    today = local_date(now)
    pki = pki_at(now)
    factory = CardFactory(pki, master_secret=b"ui-tests")
    make = factory.personalise
    cards = {
        "clerk": make(
            holder_id="SE2321000016-1001",
            name="Clara Kvist",
            serial="9752269000000101",
            product_number="701",
        ),
        "admin": make(
            holder_id="SE2321000016-1002",
            name="Adam Berg",
            serial="9752269000000102",
            product_number="702",
        ),
        "stranger": make(
            holder_id="SE2321000016-1099",
            name="Sven Okänd",
            serial="9752269000000199",
            product_number="703",
        ),
        "expired_op": make(
            holder_id="SE2321000016-1003",
            name="Eva Utgången",
            variant="expired",
            serial="9752269000000103",
            product_number="704",
        ),
        "rogue_op": make(
            holder_id="SE2321000016-1004",
            name="Rolf Fel",
            variant="wrong_chain",
            serial="9752269000000104",
            product_number="705",
        ),
        "blocked_op": make(
            holder_id="SE2321000016-1005",
            name="Bo Spärr",
            serial="9752269000000105",
            product_number="706",
        ),
        "asa": make(
            holder_id="198503122387",
            name="Åsa Linnéa Öberg",
            serial="9752269000000201",
            product_number="711",
        ),
        "jons": make(
            holder_id="199207045486",
            name="Jöns Ülrik Lindqvist",
            signing=False,
            serial="9752269000000202",
            product_number="512",
            reserve="LoA2",
        ),
        "per": make(
            holder_id="196111209018",
            name="Per Erik Nyström",
            variant="expired",
            serial="9752269000000203",
            product_number="613",
        ),
    }
    roster = FakeRoster()
    roster.add(cards["clerk"], "SE2321000016-1001", "Clara Kvist", "clerk")
    roster.add(cards["admin"], "SE2321000016-1002", "Adam Berg", "id_admin")
    roster.add(cards["expired_op"], "SE2321000016-1003", "Eva Utgången", "clerk")
    roster.add(cards["rogue_op"], "SE2321000016-1004", "Rolf Fel", "clerk")
    roster.add(cards["blocked_op"], "SE2321000016-1005", "Bo Spärr", "clerk", active=False)
    holders = [
        Holder(
            HolderSummary("h-asa", "Åsa Linnéa Öberg", "198503122387"),
            [card_view(cards["asa"], today)],
        ),
        Holder(
            HolderSummary("h-jons", "Jöns Ülrik Lindqvist", "199207045486"),
            [card_view(cards["jons"], today, assurance_level="LoA2", is_reserve=True)],
        ),
        Holder(
            HolderSummary("h-per", "Per Erik Nyström", "196111209018"),
            [card_view(cards["per"], today, state="locked")],
        ),
        Holder(HolderSummary("h-kari", "Kari Haugen", "198809014449"), []),
    ]
    directory = FakeDirectory(holders, now)
    readers = InProcessReaders()
    sync = FakeSync()
    recorder = MemoryRecorder()
    trust = AnchoredTrust(
        [pki.intermediate.public_bytes(Encoding.DER)], [pki.root.public_bytes(Encoding.DER)]
    )
    identity = DocumentIdentityChecker(IdentityCheckService(recorder, b"ui-test-key"), clock=clock)
    zones = demo_documents(today) if documents is None else documents
    demo = InProcessDemo(
        readers,
        [
            DemoCard(
                name,
                f"{name} {card.serial[-4:]}",
                card.card,
                card.puk if card.code_letter is not None else None,
            )
            for name, card in cards.items()
        ],
        [
            DemoDocument(name, name, "\n".join(zones[name]))
            for name in ("swedish-passport", "foreign-passport")
        ],
    )
    services = Services(
        office_id=OFFICE,
        login=LoginService(cards=readers, trust=trust, roster=roster, clock=clock),
        lookup=LookupService(directory),
        card_check=CardCheckService(cards=readers, trust=trust, clock=clock, directory=directory),
        visit=VisitService(identity=identity, directory=directory, cards=readers, clock=clock),
        status=StatusService(sync),
        monitor=readers,
        demo=demo,
    )
    return World(clock, pki, zones, readers, cards, roster, directory, sync, recorder, services)


def make_app(
    world: World,
    *,
    lang: str = "sv",
    idle: float = 300.0,
    demo: bool = True,
    monotonic: Callable[[], float] | None = None,
) -> Any:
    """The app over ``world``; ``monotonic``: the idle lock's clock (default: the real one)."""
    from tests.ui.helpers import RecordingApp

    ctx = UiContext(
        catalogue=Catalogue(lang),
        services=ServiceHolder(world.services),
        office_id=OFFICE,
        clock=world.clock,
        demo_mode=demo,
    )
    if monotonic is None:
        return RecordingApp(ctx, idle_timeout=idle, status_interval=3600)
    return RecordingApp(ctx, idle_timeout=idle, status_interval=3600, monotonic=monotonic)


class FixedPendingBlocks:
    """``PendingBlocks`` for the UI tests: two blocks made offline, 30 and 45 minutes ago."""

    def __init__(self, now: dt.datetime) -> None:
        from kiosk.services.status import format_age
        from kiosk.services.workflows.pending_blocks import PendingBlockLine, PendingBlocksView

        local = now.astimezone(LOCAL_ZONE)
        self.value = PendingBlocksView(
            tuple(
                PendingBlockLine(
                    event_id=f"ev-{serial}",
                    event_type="card.blocked",
                    serial=serial,
                    occurred_at=local - dt.timedelta(minutes=minutes),
                    age=format_age(minutes * 60.0),
                )
                for serial, minutes in (("9752269000000201", 45), ("9752269000000202", 30))
            ),
            "offline",
        )

    def view(self, limit: int = 100) -> Any:
        return self.value


def with_pending_blocks(world: World) -> World:
    """Two blocks waiting for the central, in the status bar and the list."""
    world.sync.value = SyncFigures(False, 2, 2, 45 * 60.0)
    world.services.pending_blocks = FixedPendingBlocks(world.clock())  # type: ignore[assignment]
    return world


class _BadListSource:
    """A revocation source whose one cached list is damaged (the reload leaves it out)."""

    def version(self) -> str | None:
        return "damaged-1"

    def lists(self) -> Mapping[str, bytes]:
        return {"00" * 20: b"not a CRL"}


def limit_logins_by_outdated_list(world: World) -> None:
    """From now on the world's logins are limited to blocking cards: the cached list of the
    person CA was due nine days ago (past the 7-day grace), and the cache holds a damaged
    list that the kiosk leaves out."""
    from devices.card.revocation import RevocationCache, RevocationList
    from devices.virtual.pki_crl import issue_crl

    now = world.clock()
    due = now - dt.timedelta(days=9)
    der = issue_crl(
        world.pki.person_ca, [], this_update=due - dt.timedelta(days=1), next_update=due
    )
    cache = RevocationCache([RevocationList.load(der, [world.pki.person_ca.cert])])
    trust = AnchoredTrust(
        [world.pki.intermediate.public_bytes(Encoding.DER)],
        [world.pki.root.public_bytes(Encoding.DER)],
        revocation=cache,
        source=_BadListSource(),
    )
    world.services.login = LoginService(
        cards=world.readers, trust=trust, roster=world.roster, clock=world.clock
    )


def find_the_operators_reader(world: World) -> World:
    """From now on the login finds the reader with a roster operator's card (the kiosk's
    own wiring, ``kiosk.container``), and asks when both readers hold one."""
    trust = AnchoredTrust(
        [world.pki.intermediate.public_bytes(Encoding.DER)],
        [world.pki.root.public_bytes(Encoding.DER)],
    )
    world.services.login = LoginService(
        cards=world.readers,
        trust=trust,
        roster=world.roster,
        clock=world.clock,
        readers=world.readers,
    )
    return world

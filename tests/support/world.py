"""The one test world: a real kiosk store (SQLite, laid out in a data folder like a
kiosk's: ``kiosk.key``, ``kiosk.sqlite3``) with its signed journal, two offices, two
operators, two holders; the workflow services over it (``services``); a card factory on
the session's test PKI and in-process virtual cards (the real PIV engine); the clock of
``tests/conftest.py``.

Everything dated is relative to the world's clock: the test PKI is made at the session's
``now``, cards were photographed and ordered some days before the world's day, and the
holders' documents expire relative to it.

The ``factory`` and ``world`` fixtures are registered for the whole suite by
``tests/conftest.py``; the UI tests' counter (``tests.support.ui_world``) is built on this
world (``open_world``, then the cast put into its store), and their conftest's ``world``
gives the counter; ``tests/ui/workflows`` takes this world back.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import EllipsisType
from typing import Any

import pytest
from sqlalchemy import select

from clock import LOCAL_ZONE, FixedClock, local_date
from devices.card.errors import PinError
from devices.card.piv import PivSession
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory, PersonalisedCard
from devices.virtual.pki import TestPki
from kiosk.domain.types import DocumentKind, IdentityDocument, Role
from kiosk.services.device_adapters import connection_opener
from kiosk.services.login import Operator
from kiosk.services.ports import HolderSummary, IdentityOutcome
from kiosk.services.visit import Visit, VisitPurpose
from kiosk.services.workflows.common import Backend
from protocol.event_format import SignedEvent
from protocol.event_types import validate
from store.database import Store
from store.holders import new_operator
from store.journal import Journal
from store.models import Card, JournalRow
from tests.support.kiosk_store import KIOSK_ID, open_kiosk_store
from tests.support.seed import CardSpec, add_card, add_holder, add_office

OFFICE = "KK-SOLNA"
OFFICE_NAME = "Kortkontoret Solna"
OTHER_OFFICE = "KK-KISTA"
OTHER_OFFICE_NAME = "Kortkontoret Kista"
CLERK = "SE2321000016-CLK1"
CLERK_NAME = "Åsa Handläggare"
ADMIN = "SE2321000016-ADM1"
ADMIN_NAME = "Id Admin"
HOLDER = "holder-1"
NAME = "Tolvan Tolvansson"
PNR = "191212121212"
HOLDER_HSA_ID = "SE2321000016-H001"
OTHER_HOLDER = "holder-2"
OTHER_NAME = "Märta Ödmansson"
OTHER_PNR = "198112189876"
NEW_PIN = "271828"
MASTER = b"test-world-master-secret"
# Relative to the world's day: when the workflow tests' cards were photographed and
# ordered, the receipt tests' cards (``add_card``), and how long the holders' documents are
# (or were) valid.
PHOTO_AGE = dt.timedelta(days=88)
ORDER_AGE = dt.timedelta(days=95)
CARD_AGE = dt.timedelta(days=58)
VALID_FOR = dt.timedelta(days=1130)  # the valid documents expire about three years ahead
EXPIRED_FOR = dt.timedelta(days=331)  # the expired passport ran out this long ago


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months on, or the last day of a shorter month
    (worked out here, not with the product's ``add_months``, for the expected values)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def local_noon(day: dt.date) -> dt.datetime:
    """Midday in the office (UTC): a moment well inside the office's calendar ``day``."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=LOCAL_ZONE).astimezone(dt.UTC)


def operator(role: Role = Role.CLERK, office: str = OFFICE) -> Operator:
    return Operator(ADMIN if role is Role.ID_ADMIN else CLERK, role, office)


def visit_with_identity(
    operator: Operator,
    holder: HolderSummary,
    document: IdentityDocument | None,
    *,
    started_at: dt.datetime,
    checked_at: dt.datetime,
    approved: bool = True,
    same_organisation: bool = False,
) -> Visit:
    """A visit of ``holder`` whose identity check showed ``document`` (``None``: no check
    yet) at ``checked_at``; the clerk confirmed the photo. ``approved=False``: the check
    refused the document."""
    identity = None
    if document is not None:
        identity = IdentityOutcome(
            accepted=approved, checks=(), document=document, checked_at=checked_at
        )
    return Visit(
        VisitPurpose.GENERAL,
        operator,
        holder=holder,
        identity=identity,
        likeness_confirmed=True,
        started_at=started_at,
        same_organisation=same_organisation,
    )


@dataclass
class World:
    store: Store
    journal: Journal
    services: Backend
    factory: CardFactory
    clock: FixedClock
    data_dir: Path
    inserted: list[Any] = field(default_factory=list)
    # events a test journaled by hand (``event``), not by a workflow
    by_hand: set[str] = field(default_factory=set)

    @property
    def now(self) -> dt.datetime:
        return self.clock()

    @property
    def today(self) -> dt.date:
        """The office's calendar day on the world's clock."""
        return local_date(self.now)

    def document(
        self, kind: DocumentKind = DocumentKind.PASSPORT, state: str = "SWE"
    ) -> IdentityDocument:
        """A document of ``kind`` from ``state``, valid for years yet."""
        return IdentityDocument(kind, state, self.today + VALID_FOR)

    @property
    def swedish_passport(self) -> IdentityDocument:
        return self.document()

    @property
    def foreign_passport(self) -> IdentityDocument:
        return self.document(state="NOR")

    @property
    def expired_passport(self) -> IdentityDocument:
        return IdentityDocument(DocumentKind.PASSPORT, "SWE", self.today - EXPIRED_FOR)

    def visit(
        self,
        role: Role = Role.CLERK,
        *,
        document: IdentityDocument | EllipsisType | None = ...,
        approved: bool = True,
        holder: str = HOLDER,
        checked_at: dt.datetime | None = None,
        office: str = OFFICE,
        same_organisation: bool = False,
    ) -> Visit:
        """A visit that began five minutes ago; its identity check (a valid Swedish
        passport unless ``document`` says otherwise; ``None``: no check) two minutes ago,
        the photo confirmed by the clerk (``approved=False``: the document was refused)."""
        now = self.now
        if document is ...:
            document = self.swedish_passport
        return visit_with_identity(
            operator(role, office),
            HolderSummary(holder, NAME, PNR),
            document,
            started_at=now - dt.timedelta(minutes=5),
            checked_at=checked_at or now - dt.timedelta(minutes=2),
            approved=approved,
            same_organisation=same_organisation,
        )

    def spec(self, serial: str, **kw: Any) -> CardSpec:
        """A card of the holder, photographed at the office ``PHOTO_AGE`` ago."""
        base: dict[str, Any] = {
            "holder_id": HOLDER,
            "photo_office_id": OFFICE,
            "photo_date": self.today - PHOTO_AGE,
            "order_date": self.today - ORDER_AGE,
        }
        base.update(kw)
        return CardSpec(serial=serial, **base)

    def card(
        self, spec: CardSpec, *, cache_puk: bool = True, **personalise: Any
    ) -> PersonalisedCard:
        series = "none"
        if spec.product_number:
            series = f"{spec.product_number[0]}xx"
        made = self.factory.personalise(
            serial=spec.serial,
            product=series,  # type: ignore[arg-type]
            product_number=spec.product_number,
            **personalise,
        )
        puk = made.puk if series == "7xx" and cache_puk else None
        add_card(self.store, spec, now=self.now, puk=puk)
        return made

    def insert(self, made: PersonalisedCard) -> None:
        self.inserted[:] = [made]

    def opener(self) -> Any:
        def connect() -> InProcessConnection:
            if not self.inserted:
                from kiosk.services.errors import NoCardInReaderError

                raise NoCardInReaderError.in_reader("customer")
            card = self.inserted[0].card
            card.power_off()
            return InProcessConnection(card)

        return connection_opener(connect)

    def lock(self, made: PersonalisedCard) -> None:
        """R6 at home: three wrong PINs in a row on the card itself."""
        session = PivSession(InProcessConnection(made.card))
        for _ in range(3):
            with contextlib.suppress(PinError):  # wrong, then locked: nothing else
                session.verify_pin("000001")
        assert made.card.pin_tries_left == 0

    def state(self, serial: str) -> str:
        with self.store.unit_of_work() as session:
            row = session.get(Card, serial)
            assert row is not None
            return row.state

    def events(self) -> list[tuple[str, dict[str, Any], int, str | None]]:
        """The journal's events except ``refusal`` events (see :meth:`refusals`)."""
        with self.store.unit_of_work() as session:
            return [
                (e.event_type, e.payload, 0, e.operator)
                for e in self.journal.events(session)
                if e.event_type != "refusal"
            ]

    def journal_events(self) -> list[Any]:
        with self.store.unit_of_work() as session:
            return list(self.journal.events(session))

    def refusals(self) -> list[dict[str, Any]]:
        """Payloads of the journaled ``refusal`` events, oldest first."""
        with self.store.unit_of_work() as session:
            return [e.payload for e in self.journal.events(session) if e.event_type == "refusal"]

    def priorities(self) -> dict[str, int]:
        table = JournalRow.__table__  # type: ignore[attr-defined]
        with self.store.unit_of_work() as session:
            rows = session.execute(select(table.c.event_type, table.c.priority)).all()
        return {str(t): int(p) for t, p in rows}

    # -- the receipt tests' cards and events ---------------------------------------------

    def add_card(
        self,
        serial: str,
        *,
        holder_id: str = HOLDER,
        product_number: str | None = "712",
        state: str = "active",
    ) -> None:
        """A card of ``holder_id`` ordered and photographed here ``CARD_AGE`` ago."""
        day = self.today - CARD_AGE
        spec = CardSpec(
            serial=serial,
            holder_id=holder_id,
            state=state,
            product_number=product_number,
            photo_office_id=OFFICE,
            photo_date=day,
            order_date=day,
        )
        add_card(self.store, spec, now=self.now)

    def add_personalised(self, card: PersonalisedCard, holder_id: str = HOLDER) -> None:
        self.add_card(card.serial, holder_id=holder_id, product_number=card.product_number)

    def event(
        self,
        event_type: str,
        payload: dict[str, Any],
        *,
        operator: str | None = CLERK,
        now: dt.datetime | None = None,
    ) -> SignedEvent:
        """Journal an event at ``now`` (default: the world's clock)."""
        with self.store.unit_of_work() as session:
            event = self.journal.append(
                session,
                event_type=event_type,  # type: ignore[arg-type]
                operator=operator,
                payload=payload,
                now=now,
            )
        self.by_hand.add(event.event_id)
        return event


def make_world(
    data_dir: Path, *, clock: FixedClock, factory: CardFactory, template: Path | None = None
) -> World:
    """The world's store at ``data_dir`` (kiosk.key, kiosk.sqlite3), seeded, on ``clock``;
    ``template``: a closed world's data folder (``world_template``) to copy instead of
    migrating and seeding a new store (the same seed, its keys shared)."""
    if template is not None:
        _, store, journal = open_kiosk_store(
            data_dir, kiosk_id=KIOSK_ID, clock=clock, template=template
        )
        return World(store, journal, Backend(store, journal, clock), factory, clock, data_dir)
    _, store, journal = open_kiosk_store(data_dir, kiosk_id=KIOSK_ID, clock=clock)
    add_office(store, OFFICE, OFFICE_NAME)
    add_office(store, OTHER_OFFICE, OTHER_OFFICE_NAME)
    with store.unit_of_work() as session:
        for hsa_id, role, name in ((CLERK, "clerk", CLERK_NAME), (ADMIN, "id_admin", ADMIN_NAME)):
            session.add(
                new_operator(
                    store.cipher,
                    hsa_id=hsa_id,
                    role=role,
                    cert_fingerprint="00" * 32,
                    name=name,
                    office_id=OFFICE,
                )
            )
    add_holder(store, HOLDER, personnummer=PNR, name=NAME, hsa_id=HOLDER_HSA_ID)
    add_holder(store, OTHER_HOLDER, personnummer=OTHER_PNR, name=OTHER_NAME)
    return World(store, journal, Backend(store, journal, clock), factory, clock, data_dir)


@contextlib.contextmanager
def open_world(
    tmp_path: Path, factory: CardFactory, clock: FixedClock, template: Path | None = None
) -> Iterator[World]:
    """The world for one test (copied from ``template`` when given); at the end, every
    event the services journaled fits its type's schema (events a test wrote by hand with
    ``World.event`` may be partial)."""
    world = make_world(tmp_path / "data", clock=clock, factory=factory, template=template)
    try:
        yield world
        for event in world.journal_events():
            if event.event_id not in world.by_hand:
                validate(event.event_type, event.payload)
    finally:
        world.store.close()


@pytest.fixture(scope="session")
def pki(now: dt.datetime) -> TestPki:
    """The session's test PKI (made at ``now``)."""
    return TestPki.create(now=now)


@pytest.fixture(scope="session")
def factory(pki: TestPki) -> CardFactory:
    """Cards on the session's test PKI."""
    return CardFactory(pki, master_secret=MASTER)


@pytest.fixture(scope="session")
def world_template(
    tmp_path_factory: pytest.TempPathFactory, factory: CardFactory, now: dt.datetime
) -> Path:
    """A seeded world's store, migrated once per test process and closed: each test's
    world is a copy (migrating and seeding a store takes longer than copying two files)."""
    folder = tmp_path_factory.mktemp("world-template") / "data"
    make_world(folder, clock=FixedClock(now), factory=factory).store.close()
    return folder


@pytest.fixture
def world(
    tmp_path: Path, factory: CardFactory, clock: FixedClock, world_template: Path
) -> Iterator[World]:
    with open_world(tmp_path, factory, clock, world_template) as built:
        yield built

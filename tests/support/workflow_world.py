"""A small world for the workflow services: a real SQLite store with journal, two offices,
holders, cards, the test clock, and in-process virtual cards (the real PIV engine).

Everything dated is relative to the world's clock (the suite's ``clock`` fixture): the
test PKI is made at the session's ``now``, cards were photographed and ordered some days
before the world's day, and the holders' documents expire relative to it."""

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
from devices.card.piv import PivSession
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory, PersonalisedCard
from devices.virtual.pki import TestPki
from kiosk.domain.types import DocumentKind, IdentityDocument, Role
from kiosk.services.device_adapters import connection_opener
from kiosk.services.login import Operator
from kiosk.services.ports import HolderSummary
from kiosk.services.visit import Visit
from kiosk.services.workflows.common import Backend
from protocol.event_types import validate
from store.database import Store, open_store
from store.journal import Journal
from store.keys import KioskKeys
from store.models import Card, JournalRow
from tests.support.seed import CardSpec, add_card, add_holder, add_office
from tests.support.visits import visit_with_identity

OFFICE = "KK-SOLNA"
OTHER_OFFICE = "KK-KISTA"
OTHER_OFFICE_NAME = "Kortkontoret Kista"
CLERK = "SE2321000016-CLK1"
ADMIN = "SE2321000016-ADM1"
HOLDER = "holder-1"
OTHER_HOLDER = "holder-2"
PNR = "191212121212"
NAME = "Tolvan Tolvansson"
NEW_PIN = "271828"
MASTER = b"unit-workflows-master-secret"
# Relative to the world's day: when the cards were photographed and ordered, and how long
# the holders' documents are (or were) valid.
PHOTO_AGE = dt.timedelta(days=88)
ORDER_AGE = dt.timedelta(days=95)
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


@pytest.fixture(scope="session")
def factory(now: dt.datetime) -> CardFactory:
    return CardFactory(TestPki.create(now=now), master_secret=MASTER)


@dataclass
class World:
    store: Store
    journal: Journal
    services: Backend
    factory: CardFactory
    clock: FixedClock
    inserted: list[Any] = field(default_factory=list)

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

                raise NoCardInReaderError(reader="customer")
            card = self.inserted[0].card
            card.power_off()
            return InProcessConnection(card)

        return connection_opener(connect)

    def lock(self, made: PersonalisedCard) -> None:
        """R6 at home: three wrong PINs in a row on the card itself."""
        session = PivSession(InProcessConnection(made.card))
        for _ in range(3):
            with contextlib.suppress(Exception):
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


@pytest.fixture
def world(tmp_path: Path, factory: CardFactory, clock: FixedClock) -> Iterator[World]:
    keys = KioskKeys.generate()
    store = open_store(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", keys)
    journal = Journal("kiosk-unit", keys, store.cipher, clock=clock)
    add_office(store, OFFICE, "Kortkontoret Solna")
    add_office(store, OTHER_OFFICE, OTHER_OFFICE_NAME)
    add_holder(store, HOLDER, personnummer=PNR, name=NAME, hsa_id="SE2321000016-H001")
    add_holder(store, OTHER_HOLDER, personnummer="198001011234", name="Anna Annasson")
    w = World(store, journal, Backend(store, journal, clock), factory, clock)
    yield w
    for event in w.journal_events():  # what the workflows wrote fits its type's schema
        validate(event.event_type, event.payload)
    store.close()


def operator(role: Role = Role.CLERK, office: str = OFFICE) -> Operator:
    return Operator(ADMIN if role is Role.ID_ADMIN else CLERK, role, office)

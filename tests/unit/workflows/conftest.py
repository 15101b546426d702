"""A small world for the workflow services: a real SQLite store with journal, two offices,
holders, cards, a fixed clock, and in-process virtual cards (the real PIV engine)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from devices.card.piv import PivSession
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory, PersonalisedCard
from devices.virtual.pki import TestPki
from kiosk.domain.types import DocumentKind, IdentityDocument, Role
from kiosk.services.workflows.common import (
    Backend,
    IdentityProof,
    Operator,
    VisitContext,
    connection_opener,
)
from kiosk.services.workflows.seed import CardSpec, add_card, add_holder, add_office
from store.database import Store, open_store
from store.journal import Journal
from store.keys import KioskKeys
from store.models import Card, JournalRow

OFFICE = "KK-SOLNA"
OTHER_OFFICE = "KK-KISTA"
OTHER_OFFICE_NAME = "Kortkontoret Kista"
CLERK = "SE2321000016-CLK1"
ADMIN = "SE2321000016-ADM1"
HOLDER = "holder-1"
OTHER_HOLDER = "holder-2"
PNR = "191212121212"
NAME = "Tolvan Tolvansson"
NOW = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)
NEW_PIN = "271828"
MASTER = b"unit-workflows-master-secret"


@pytest.fixture(scope="session")
def factory() -> CardFactory:
    return CardFactory(TestPki.create(), master_secret=MASTER)


@dataclass
class World:
    store: Store
    journal: Journal
    services: Backend
    factory: CardFactory
    now: dt.datetime = NOW
    inserted: list[Any] = field(default_factory=list)

    def clock(self) -> dt.datetime:
        return self.now

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
        add_card(self.store, spec, puk=made.puk if series == "7xx" and cache_puk else None)
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
def world(tmp_path: Path, factory: CardFactory) -> Iterator[World]:
    keys = KioskKeys.generate()
    store = open_store(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", keys)
    journal = Journal("kiosk-unit", keys, store.cipher)
    add_office(store, OFFICE, "Kortkontoret Solna")
    add_office(store, OTHER_OFFICE, OTHER_OFFICE_NAME)
    add_holder(store, HOLDER, personnummer=PNR, name=NAME, hsa_id="SE2321000016-H001")
    add_holder(store, OTHER_HOLDER, personnummer="198001011234", name="Anna Annasson")
    w = World(store, journal, Backend(store, journal), factory)
    w.services.clock = w.clock
    yield w
    store.close()


def operator(role: Role = Role.CLERK, office: str = OFFICE) -> Operator:
    return Operator(ADMIN if role is Role.ID_ADMIN else CLERK, role, office)


SWEDISH_PASSPORT = IdentityDocument(DocumentKind.PASSPORT, "SWE", dt.date(2030, 1, 1))
FOREIGN_PASSPORT = IdentityDocument(DocumentKind.PASSPORT, "NOR", dt.date(2030, 1, 1))
EXPIRED_PASSPORT = IdentityDocument(DocumentKind.PASSPORT, "SWE", dt.date(2026, 1, 1))


def visit(
    role: Role = Role.CLERK,
    *,
    document: IdentityDocument | None = SWEDISH_PASSPORT,
    approved: bool = True,
    holder: str = HOLDER,
    checked_at: dt.datetime | None = None,
    office: str = OFFICE,
    same_organisation: bool = False,
) -> VisitContext:
    started = NOW - dt.timedelta(minutes=5)
    proof = None
    if document is not None:
        proof = IdentityProof(
            holder, document, approved, checked_at or NOW - dt.timedelta(minutes=2)
        )
    return VisitContext(operator(role, office), started, holder, proof, same_organisation)


def spec(serial: str, **kw: Any) -> CardSpec:
    base: dict[str, Any] = {
        "holder_id": HOLDER,
        "photo_office_id": OFFICE,
        "photo_date": dt.date(2026, 9, 1),
        "order_date": dt.date(2026, 8, 25),
    }
    base.update(kw)
    return CardSpec(serial=serial, **base)

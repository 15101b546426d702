"""Workflow figures: a scripted activation visit and an in-person unlock visit.

Each visit runs the real services on a real SQLite store with the signed journal and an
in-process virtual PIV card (the real card engine, no PC/SC), login excluded:

- activation: the card in the customer reader is read and matched, the R2 check runs,
  the card is activated and ``card.activated`` is journaled in one transaction;
- unlock (7xx, id-administrator): the plan is read, the card is read and found locked,
  the PUK comes out of the encrypted cache, the card is unblocked with the new PIN, the
  new PIN is verified, the state change and ``card.unlocked_in_person`` are written.

Baseline in the same run: the same visit done raw, i.e. the same card APDUs sent
straight to the card engine plus raw ``sqlite3`` UPDATE/INSERT of the same rows.
Budget: 2 s of kiosk time per visit (the issue), the median of ``20 × scale`` visits.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.harness import Figure, median

BUDGET_S = 2.0
OFFICE = "KK-BENCH"
NEW_PIN = "271828"

_tmp = tempfile.TemporaryDirectory(prefix="bench-workflows-")
atexit.register(_tmp.cleanup)


def _visits(scale: float) -> int:
    return max(5, round(20 * scale))


def _seed(
    store: Any, cards: dict[str, Any], state: str, product_number: str, now: dt.datetime
) -> None:
    """The office, one holder and a row per card (PUK cached), as a sync would leave them."""
    from clock import local_date
    from store.holders import new_holder
    from store.models import Card, Office
    from store.puk_cache import put_puk

    photo_date = local_date(now) - dt.timedelta(days=30)
    with store.unit_of_work() as session:
        session.add(Office(id=OFFICE, name="Kortkontoret Bänk"))
        session.add(
            new_holder(
                store.cipher, personnummer="191212121212", name="Tolvan Tolvansson", holder_id="h-1"
            )
        )
        session.flush()
        for serial, made in cards.items():
            session.add(
                Card(
                    serial=serial,
                    holder_id="h-1",
                    product_number=product_number,
                    state=state,
                    shipment_method="a_post",
                    photo_office_id=OFFICE,
                    photo_date=photo_date,
                    order_date=photo_date,
                    updated_at=now,
                )
            )
            session.flush()
            put_puk(
                session,
                store.cipher,
                card_serial=serial,
                product_number=product_number,
                puk=made.puk,
            )


class _World:
    """A store with one holder and ``n`` cards, and a virtual card for each."""

    def __init__(self, name: str, n: int, state: str, product_number: str) -> None:
        from clock import system_clock
        from devices.virtual.factory import CardFactory
        from devices.virtual.pki import TestPki
        from kiosk.services.workflows.common import Backend
        from store.database import open_store
        from store.journal import Journal
        from store.keys import KioskKeys

        self.clock = system_clock
        now = self.clock()
        self.path = Path(_tmp.name) / f"{name}.sqlite3"
        keys = KioskKeys.generate()
        self.store = open_store(f"sqlite:///{self.path}", keys)
        self.journal = Journal("kiosk-bench", keys, self.store.cipher, clock=self.clock)
        self.services = Backend(self.store, self.journal, self.clock)
        factory = CardFactory(TestPki.create(now=now), master_secret=b"bench-master")
        first = factory.personalise(product="7xx", product_number=product_number)
        self.cards: dict[str, Any] = {}
        for i in range(n):
            serial = f"B{name[:1].upper()}{i:06d}"
            self.cards[serial] = factory.personalise(
                serial=serial,
                product="7xx",
                product_number=product_number,
                holder=first.holder,
            )
        _seed(self.store, self.cards, state, product_number, now)
        self.inserted: Any = None

    def opener(self) -> Any:
        from devices.virtual.card import InProcessConnection
        from kiosk.services.device_adapters import connection_opener

        def connect() -> Any:
            card = self.inserted.card
            card.power_off()
            return InProcessConnection(card)

        return connection_opener(connect)

    def visit(self, role: str) -> Any:
        from clock import local_date
        from kiosk.domain.types import DocumentKind, IdentityDocument, Role
        from kiosk.services.login import Operator
        from kiosk.services.ports import HolderSummary, IdentityOutcome
        from kiosk.services.visit import Visit, VisitPurpose

        now = self.clock()
        today = local_date(now)
        expiry = today.replace(year=today.year + 5, day=min(today.day, 28))
        document = IdentityDocument(DocumentKind.PASSPORT, "SWE", expiry)
        return Visit(
            VisitPurpose.GENERAL,
            Operator("SE2321000016-ADM1", Role(role), OFFICE),
            holder=HolderSummary("h-1", "", ""),
            identity=IdentityOutcome(accepted=True, checks=(), document=document, checked_at=now),
            likeness_confirmed=True,
            started_at=now - dt.timedelta(seconds=1),
        )


def _raw_apdus(card: Any, apdus: list[bytes]) -> None:
    card.power_off()
    for apdu in apdus:
        card.transmit(apdu)


def _raw_connection(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def _raw_sql(
    connection: sqlite3.Connection, serial: str, state: str, event_type: str, now: dt.datetime
) -> None:
    """The same rows written raw: the card's state and one journal row."""
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "UPDATE cards SET state = ?, updated_at = ? WHERE serial = ?",
        (state, now.isoformat(), serial),
    )
    seq = connection.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM journal").fetchone()[0]
    payload = json.dumps({"serial": serial, "state": state}).encode()
    connection.execute(
        "INSERT INTO journal (event_id, kiosk_id, seq, occurred_at, operator, event_type,"
        " payload_enc, prev_hash, hash, signature, sync_status, priority)"
        " VALUES (?, 'raw', ?, ?, 'op', ?, ?, '', '', '', 'pending', 1)",
        (str(uuid.uuid4()), seq + 1_000_000, now.timestamp(), event_type, payload),
    )
    connection.execute("COMMIT")


_SELECT = bytes.fromhex("00A4040009A00000030800001000" + "00")
_PRINTED = bytes.fromhex("00CB3FFF055C035FC109" + "00")
_VERIFY_STATUS = bytes.fromhex("0020008000")


def _pin_block(pin: str) -> bytes:
    return pin.encode().ljust(8, b"\xff")


def activation_visit(scale: float) -> Figure:
    from kiosk.services.workflows.activation import ActivationService

    n = _visits(scale)
    world = _World("activation", n, "shipped", "701")
    service = ActivationService(world.services, card_opener=world.opener())
    samples = []
    for serial, made in world.cards.items():
        world.inserted = made
        start = time.perf_counter()
        visit = world.visit("clerk")
        service.check(visit, serial).decision.require()
        done = service.activate(visit, serial)
        samples.append(time.perf_counter() - start)
        assert done.state is not None
    raw = []
    connection = _raw_connection(world.path)
    for serial, made in world.cards.items():
        start = time.perf_counter()
        _raw_apdus(made.card, [_SELECT, _PRINTED])
        _raw_sql(connection, serial, "active", "card.activated", world.clock())
        raw.append(time.perf_counter() - start)
    connection.close()
    world.store.close()
    return Figure(
        "workflows.activation_visit_s",
        median(samples),
        "s",
        median(raw),
        BUDGET_S,
        note=f"median of {n} scripted activation visits (login excluded, virtual card);"
        " baseline: the same APDUs and raw SQL rows",
    )


def unlock_visit(scale: float) -> Figure:
    from devices.card.piv import PivSession
    from devices.virtual.card import InProcessConnection
    from kiosk.services.workflows.puk import CachedPukSource
    from kiosk.services.workflows.unlock import UnlockService

    n = _visits(scale)
    world = _World("unlock", n, "active", "702")

    def lock(made: Any) -> None:
        session = PivSession(InProcessConnection(made.card))
        for _ in range(3):
            try:
                session.verify_pin("000001")
            except Exception:
                continue

    service = UnlockService(
        world.services, card_opener=world.opener(), puk_source=CachedPukSource(world.store)
    )
    samples = []
    for serial, made in world.cards.items():
        lock(made)
        world.inserted = made
        start = time.perf_counter()
        visit = world.visit("id_admin")
        service.plan(visit, serial)
        service.unlock_in_person(visit, serial, NEW_PIN, NEW_PIN)
        samples.append(time.perf_counter() - start)
    raw = []
    connection = _raw_connection(world.path)
    for serial, made in world.cards.items():
        lock(made)
        reset = bytes.fromhex("002C008010") + _pin_block(made.puk) + _pin_block(NEW_PIN)
        verify = bytes.fromhex("0020008008") + _pin_block(NEW_PIN)
        start = time.perf_counter()
        _raw_apdus(made.card, [_SELECT, _PRINTED, _VERIFY_STATUS, reset, verify])
        _raw_sql(connection, serial, "active", "card.unlocked_in_person", world.clock())
        raw.append(time.perf_counter() - start)
        assert made.card.pin_tries_left == 3
    connection.close()
    world.store.close()
    return Figure(
        "workflows.unlock_visit_s",
        median(samples),
        "s",
        median(raw),
        BUDGET_S,
        note=f"median of {n} scripted 7xx in-person unlock visits (login excluded, virtual"
        " card, PUK from the encrypted cache); baseline: the same APDUs and raw SQL rows",
    )


FIGURES = {
    "workflows.activation_visit_s": activation_visit,
    "workflows.unlock_visit_s": unlock_visit,
}

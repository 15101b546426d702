"""Fixtures for the sync integration tests: a central database on PostgreSQL (the
session's private server from tests/integration/conftest.py) or SQLite, the central as
a real uvicorn subprocess, and kiosks with real local stores and signed journals."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from central.database import make_engine, migrate
from central.fields import CentralCipher
from central.service import CentralService
from clock import FixedClock, local_date
from protocol.event_format import SignedEvent
from store.database import Store
from store.journal import PRIORITY_BLOCK, PRIORITY_NORMAL, Journal
from store.keys import KioskKeys
from store.sync import CentralTransport, SyncClient
from tests.support.kiosk_store import open_kiosk_store
from tests.support.payloads import complete
from tests.support.pgserver import PostgresServer, free_port
from tests.support.world import ADMIN, CLERK, OFFICE

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(params=["sqlite", "postgresql"])
def central_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database("central")


@pytest.fixture
def central_key(tmp_path: Path) -> Path:
    """The central's field-encryption key file (created by the first user)."""
    return tmp_path / "central-field.key"


@pytest.fixture
def central_service(
    central_db: str, central_key: Path, clock: FixedClock
) -> Iterator[CentralService]:
    """Direct access to the central database: seeding and the checks after a test."""
    engine = make_engine(central_db)
    migrate(engine)
    service = CentralService(engine, cipher=CentralCipher.from_file(central_key), clock=clock)
    service.set_operator(hsa_id=CLERK, role="clerk", office_id=OFFICE)
    service.set_operator(hsa_id=ADMIN, role="id_admin", office_id=OFFICE)
    yield service
    engine.dispose()


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


@dataclass
class CentralProcess:
    """``kiosk central`` as a real uvicorn subprocess."""

    db_url: str
    log_path: Path
    field_key: Path
    port: int = field(default_factory=free_port)
    extra_args: list[str] = field(default_factory=list)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        scheme = "https" if "--tls-cert" in self.extra_args else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def client_auth_args(self) -> list[str]:
        """Without a client CA the central starts only when told so explicitly."""
        return [] if "--tls-ca" in self.extra_args else ["--insecure-no-client-auth"]

    def start(self) -> CentralProcess:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kiosk",
                    "central",
                    "--db",
                    self.db_url,
                    "--field-key",
                    str(self.field_key),
                    "--listen",
                    f"127.0.0.1:{self.port}",
                    *self.extra_args,
                    *self.client_auth_args(),
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.stop()
            raise RuntimeError(self.log_path.read_text(errors="replace")) from None
        if not self.extra_args:
            assert httpx.get(f"{self.url}/v1/health", timeout=5).json() == {"ok": True}
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@pytest.fixture
def central_factory(
    central_db: str, central_service: CentralService, central_key: Path, tmp_path: Path
) -> Iterator[Callable[..., CentralProcess]]:
    started: list[CentralProcess] = []

    def make(*extra: str, start: bool = True, port: int | None = None) -> CentralProcess:
        process = CentralProcess(
            central_db,
            tmp_path / f"central-{len(started)}.log",
            central_key,
            extra_args=list(extra),
        )
        if port is not None:
            process.port = port
        started.append(process)
        return process.start() if start else process

    yield make
    for process in started:
        process.stop()


@pytest.fixture
def central(central_factory: Callable[..., CentralProcess]) -> CentralProcess:
    return central_factory()


@dataclass
class Kiosk:
    kiosk_id: str
    office_id: str
    path: Path
    keys: KioskKeys
    store: Store
    journal: Journal
    transports: list[CentralTransport] = field(default_factory=list)

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.path / 'kiosk.sqlite3'}"

    def append(
        self,
        event_type: str,
        payload: dict[str, Any],
        *,
        operator: str | None = CLERK,
        now: datetime | None = None,
        as_given: bool = False,
    ) -> SignedEvent:
        """Journal one event; its payload gets the schema's required fields it lacks
        (``tests.support.payloads``) unless ``as_given``."""
        priority = PRIORITY_BLOCK if event_type == "card.blocked" else PRIORITY_NORMAL
        if not as_given:
            payload = complete(event_type, payload, office=self.office_id)
        with self.store.unit_of_work() as session:
            return self.journal.append(
                session,
                event_type=event_type,
                operator=operator,
                payload=payload,
                priority=priority,
                now=now,
            )

    def client(self, url: str, **options: Any) -> SyncClient:
        transport = CentralTransport(url, timeout=options.pop("timeout", 10.0))
        self.transports.append(transport)
        return SyncClient(store=self.store, journal=self.journal, transport=transport, **options)

    def sync_statuses(self) -> dict[str, int]:
        from sqlalchemy import func, select

        from store.models import JournalRow

        table = JournalRow.__table__  # type: ignore[attr-defined]
        with self.store.unit_of_work() as session:
            rows = session.execute(
                select(table.c.sync_status, func.count()).group_by(table.c.sync_status)
            ).all()
        return {str(s): int(n) for s, n in rows}

    def reasons(self) -> dict[int, str | None]:
        from sqlalchemy import select

        from store.models import JournalRow

        table = JournalRow.__table__  # type: ignore[attr-defined]
        with self.store.unit_of_work() as session:
            rows = session.execute(
                select(table.c.seq, table.c.sync_reason).where(table.c.sync_status == "rejected")
            ).all()
        return {int(seq): reason for seq, reason in rows}

    def chain_ok(self) -> bool:
        with self.store.unit_of_work() as session:
            return self.journal.verify_chain(session, workers=1).ok

    def card_state(self, serial: str) -> str | None:
        from sqlalchemy import select

        from store.models import Card

        table = Card.__table__  # type: ignore[attr-defined]
        with self.store.unit_of_work() as session:
            value = session.execute(
                select(table.c.state).where(table.c.serial == serial)
            ).scalar_one_or_none()
        return None if value is None else str(value)

    def close(self) -> None:
        for transport in self.transports:
            transport.close()
        self.store.close()


@pytest.fixture
def kiosk_factory(
    tmp_path: Path, central_service: CentralService, clock: FixedClock
) -> Iterator[Callable[..., Kiosk]]:
    made: list[Kiosk] = []

    def make(kiosk_id: str, office_id: str = OFFICE) -> Kiosk:
        path = tmp_path / kiosk_id
        path.mkdir()
        keys, store, journal = open_kiosk_store(path, kiosk_id=kiosk_id, clock=clock)
        kiosk = Kiosk(kiosk_id, office_id, path, keys, store, journal)
        central_service.register_kiosk(
            kiosk_id=kiosk_id, office_id=office_id, public_key=keys.public_key_bytes()
        )
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.close()


ORDER_AGE = timedelta(days=58)  # the seeded cards were ordered this long before the test


def work(kiosk: Kiosk, serials: list[str], *, rounds: int = 3) -> None:
    """A little counter work: identity checks and refusals (events that change no card)."""
    for n in range(rounds):
        for serial in serials:
            kiosk.append("identity.checked", {"check_id": f"check-{serial}-{n}"})
            kiosk.append("refusal", {"serial": serial, "action": "card_test"})


def seed_cards(service: CentralService, count: int, *, office: str = OFFICE) -> list[str]:
    """Cards (shipped, 7xx and 5xx) with their holders at the central, ordered
    ``ORDER_AGE`` before the day on the central's (the test's) clock."""
    ordered = (local_date(service.clock()) - ORDER_AGE).isoformat()
    serials = [f"SN{n:08d}" for n in range(1, count + 1)]
    for n in range(count):
        service.put_holder(
            holder_id=f"H{n:08d}",
            office_id=office,
            data={"personnummer": f"19800101{n % 10000:04d}", "name": f"Holder {n}"},
        )
    service.put_cards(
        {
            "serial": serial,
            "office_id": office,
            "holder_id": f"H{n:08d}",
            "product_number": "701" if n % 2 == 0 else "511",
            "state": "shipped",
            "data": {"shipment_method": "a_post", "order_date": ordered},
        }
        for n, serial in enumerate(serials)
    )
    return serials


def assert_converged(service: CentralService, *kiosks: Kiosk) -> None:
    """Event counts match on both sides, nothing twice, both chains verify."""
    for kiosk in kiosks:
        statuses = kiosk.sync_statuses()
        central = service.event_counts(kiosk.kiosk_id)
        assert statuses.get("pending", 0) == 0, statuses
        assert central.get("accepted", 0) == statuses.get("accepted", 0), (central, statuses)
        assert central.get("rejected", 0) == statuses.get("rejected", 0), (central, statuses)
        assert sum(central.values()) == sum(statuses.values())
        assert len({e.event_id for e in service.events(kiosk.kiosk_id)}) == sum(central.values())
        assert service.verify_chain(kiosk.kiosk_id)
        assert kiosk.chain_ok()

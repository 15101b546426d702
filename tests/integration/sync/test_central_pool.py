"""The central's pool without a ping per checkout still survives a PostgreSQL that
dropped its connections (a restart): an idle connection is pinged and replaced, and a
push whose connection is gone mid-use runs again on a fresh one."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, text

from central import database
from central.database import make_engine, migrate
from central.fields import CentralCipher
from central.service import CentralService
from clock import FixedClock
from tests.support.pgserver import PostgresServer
from tests.unit.sync.test_central_service import FakeKiosk, statuses


@pytest.fixture
def engine(postgres: PostgresServer) -> Iterator[Engine]:
    engine = make_engine(postgres.create_database("pool"))
    migrate(engine)
    yield engine
    engine.dispose()


def _drop_connections(engine: Engine) -> None:
    """What a restarted server does to the pool: every connection to the database gone."""
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def test_an_idle_pooled_connection_is_pinged_and_replaced(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    _drop_connections(engine)
    monkeypatch.setattr(database, "IDLE_BEFORE_PING", 0.0)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 2")).scalar_one() == 2


def test_a_push_whose_connection_was_dropped_runs_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, clock: FixedClock
) -> None:
    monkeypatch.setattr(database, "IDLE_BEFORE_PING", float("inf"))  # no ping: the retry
    service = CentralService(engine, cipher=CentralCipher.generate(), clock=clock)
    service.set_operator(hsa_id="CLK", role="clerk", office_id="KK-SOLNA")
    kiosk = FakeKiosk(service)
    assert statuses(service.push("k1", [kiosk.event("identity.checked", {})])) == ["accepted"]
    _drop_connections(engine)
    answer = service.push("k1", [kiosk.event("identity.checked", {})])
    assert statuses(answer) == ["accepted"]
    assert answer.head_seq == 2

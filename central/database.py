"""Engine factory and migrations of the central database (PostgreSQL or SQLite)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError

from central.errors import CentralDatabaseError, CentralPostgresMissingError

VERSION_TABLE = "central_alembic_version"
CHANGE_COUNTER = "change"  # the counter row change ids are allocated from
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
PSYCOPG_DRIVER = "postgresql+psycopg"
IDLE_BEFORE_PING = 1.0  # seconds a pooled connection may rest before checkout pings it


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (the driver we ship)."""
    if url.startswith("postgresql://"):
        return f"{PSYCOPG_DRIVER}://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://"):
        return f"{PSYCOPG_DRIVER}://" + url.removeprefix("postgres://")
    return url


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine for the central database; SQLite gets WAL, FULL sync and immediate
    write transactions so concurrent processes serialise instead of failing. Without
    psycopg installed (the ``postgres`` extra) a PostgreSQL URL is refused with
    :class:`CentralPostgresMissingError`."""
    given = url
    url = normalise_url(url)
    try:
        return _create(url, pool_size)
    except ImportError as exc:
        module = (exc.name or "psycopg").partition(".")[0]
        if not module.startswith("psycopg") or make_url(url).drivername != PSYCOPG_DRIVER:
            raise
        safe = make_url(given).render_as_string(hide_password=True)
        raise CentralPostgresMissingError(url=safe, module=module) from None


def _create(url: str, pool_size: int) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "isolation_level": None})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """A pooled connection idle for ``IDLE_BEFORE_PING`` seconds is pinged at checkout
    and replaced when the server is gone (a restarted PostgreSQL). One in steady use is
    not: a ping per checkout is a round trip per request. Its rare failure mid-use
    invalidates the pool, and a push runs again (``central.push._retryable``)."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle = time.monotonic() - record.info.get("checked_in", 0.0)
        if idle < IDLE_BEFORE_PING:
            return
        try:
            with dbapi_conn.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_conn.rollback()  # the ping's implicit transaction, not the caller's
        except Exception as exc:
            raise DisconnectionError(f"pooled connection is gone: {type(exc).__name__}") from exc


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def migrate(engine: Engine) -> None:
    """Bring the central schema to the newest revision and seed the change counter."""
    from alembic import command

    from central.models import CentralCounter

    config = alembic_config(engine)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        with engine.begin() as conn:
            table = CentralCounter.__table__  # type: ignore[attr-defined]
            row = conn.execute(select(table.c.name).where(table.c.name == CHANGE_COUNTER)).first()
            if row is None:
                conn.execute(insert(table).values(name=CHANGE_COUNTER, value=0))
    except OperationalError as exc:
        raise CentralDatabaseError(
            url=engine.url.render_as_string(hide_password=True), problem=str(exc.orig)
        ) from None


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())

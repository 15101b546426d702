"""Engine factory, migrations and the :class:`Store` (one unit of work = one transaction).

SQLite is the kiosk default: every connection runs ``journal_mode=WAL``,
``synchronous=FULL`` (a power cut at the counter must not lose a block request) and
``foreign_keys=ON``; every transaction starts with ``BEGIN IMMEDIATE`` so that two
writers can never both read the same journal head and fork the chain. PostgreSQL URLs
(psycopg, the ``postgres`` extra) work too; the journal takes a transaction-scoped
advisory lock there. Without psycopg installed, a PostgreSQL URL is refused with
:class:`~store.errors.PostgresExtraMissingError`.

``open_store`` first inspects an existing SQLite file read-only and refuses, with a
typed error and without writing anything, a file that is not SQLite, is damaged, or
belongs to another application.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from store.crypto import FieldCipher
from store.errors import (
    CorruptDatabaseError,
    DatabaseUnavailableError,
    ForeignDatabaseError,
    NotADatabaseError,
    PostgresExtraMissingError,
    StoreError,
)
from store.keys import KioskKeys

SQLITE_HEADER = b"SQLite format 3\x00"
OUR_TABLES = frozenset({"offices", "operators", "holders", "cards", "journal", "sync_state"})
# URL schemes that run on psycopg 3 (the 'postgres' extra): bare postgresql:// URLs are
# given the psycopg driver here and in central.database.
PSYCOPG_DRIVERS = frozenset({"postgresql", "postgres", "postgresql+psycopg"})

# SQLite result codes (primary, the low byte) that say the file itself is damaged.
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26

# One open transaction of the store (a unit of work). Services only pass it on to the
# store's data functions (``store.cards``, ``store.deadlines``, the journal): they never
# call it themselves, so they need no database library.
Transaction = Session


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Driver-level autocommit: SQLAlchemy's "begin" hook below issues BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # Writers take the write lock at BEGIN; Store.read_only() asks for a plain snapshot.
    mode = "DEFERRED" if connection.get_execution_options().get("kiosk_read_only") else "IMMEDIATE"
    connection.exec_driver_sql(f"BEGIN {mode}")


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL; ``None`` for other databases and in-memory ones."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def damage_of(exc: BaseException) -> str | None:
    """SQLite's own words when ``exc`` (through SQLAlchemy or raw ``sqlite3``) says the
    database file is damaged (a page of garbage, not a database); ``None`` otherwise."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(orig, sqlite3.DatabaseError):
        code = getattr(orig, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return str(orig)
    return None


@contextmanager
def naming_damage(shown: str) -> Iterator[None]:
    """Around database work: a damaged file becomes :class:`CorruptDatabaseError` naming
    ``shown`` (the file), not a driver traceback; every other error passes unchanged."""
    try:
        yield
    except (DBAPIError, sqlite3.DatabaseError) as exc:
        problem = damage_of(exc)
        if problem is None:
            raise
        raise CorruptDatabaseError(path=shown, problem=problem) from None


def create_engine_for(url: str) -> Engine:
    """An engine with the kiosk's connection settings (pragmas, immediate transactions)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if sqlite_path(url) is None:
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    with postgres_driver(url):
        return create_engine(parsed, pool_pre_ping=True)


@contextmanager
def postgres_driver(url: str | URL) -> Iterator[None]:
    """Around creating an engine: a missing psycopg becomes :class:`PostgresExtraMissingError`.

    SQLAlchemy imports the driver when the engine is created; psycopg comes with the
    ``postgres`` extra, so a plain install refuses PostgreSQL URLs with a message naming it.
    """
    try:
        yield
    except ImportError as exc:
        module = (exc.name or "psycopg").partition(".")[0]
        if not module.startswith("psycopg") or make_url(url).drivername not in PSYCOPG_DRIVERS:
            raise
        raise PostgresExtraMissingError(url=_safe_url(url), module=module) from None


def _alembic_config(engine_url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "store:migrations")
    config.set_main_option("sqlalchemy.url", engine_url.replace("%", "%%"))
    return config


def known_revisions() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    return frozenset(rev.revision for rev in script.walk_revisions())


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (in place; safe to run at every start)."""
    from alembic import command

    config = _alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def check_sqlite_file(path: Path) -> bool:
    """Refuse a file that is not ours, read-only: nothing is written to it. ``True`` when
    it holds a kiosk store already.

    A missing or empty file is fine (a new store); so is a SQLite file without tables.
    """
    if not path.exists():
        return False
    shown = str(path)
    if path.is_dir():
        raise NotADatabaseError(path=shown)
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotADatabaseError(path=shown)
    wal = path.with_name(path.name + "-wal")
    # Without a live WAL file, open "immutable": SQLite then creates no -wal/-shm files.
    # With one, its contents matter, and SQLite needs the -shm index to read them.
    options = "mode=ro" if wal.exists() and wal.stat().st_size > 0 else "mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?{options}", uri=True)
    except sqlite3.Error as exc:
        raise CorruptDatabaseError(path=shown, problem=str(exc)) from None
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not tables:
            return False
        if "alembic_version" not in tables:
            raise ForeignDatabaseError(path=shown, problem="it has no kiosk schema version")
        versions = {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(path=shown, problem=str(exc)) from None
    finally:
        connection.close()
    _refuse_unknown_versions(shown, versions)
    missing = OUR_TABLES - tables
    if missing:
        raise ForeignDatabaseError(
            path=shown, problem=f"tables missing: {', '.join(sorted(missing))}"
        )
    return True


def holds_store(url: str) -> bool:
    """Whether ``url`` holds a kiosk store already, by a read-only look (a key file is
    created only together with a new store). A file or schema that is not a kiosk store
    raises its typed error, as :func:`open_store` would."""
    path = sqlite_path(url)
    if path is not None:
        return check_sqlite_file(path)
    if make_url(url).get_backend_name() == "sqlite":  # in memory: always new
        return False
    engine = create_engine_for(url)
    try:
        _check_server_database(engine, _safe_url(url))
        return bool(inspect(engine).get_table_names())
    except OperationalError as exc:
        raise DatabaseUnavailableError(url=_safe_url(url), problem=str(exc.orig)) from None
    except SQLAlchemyError as exc:
        raise DatabaseUnavailableError(url=_safe_url(url), problem=type(exc).__name__) from None
    finally:
        engine.dispose()


class Store:
    """The open local store: engine, keys and field cipher. Pass it in; no globals."""

    def __init__(self, engine: Engine, keys: KioskKeys) -> None:
        self.engine = engine
        self.keys = keys
        self.cipher = FieldCipher(keys)
        path = sqlite_path(engine.url.render_as_string(hide_password=False))
        # what a damage error names: the file, or the server database's safe URL
        self.shown = str(path) if path is not None else self.url

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def unit_of_work(self) -> Iterator[Transaction]:
        """One transaction: committed when the block ends, rolled back on any exception."""
        with naming_damage(self.shown), Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read_only(self) -> Iterator[Session]:
        """A consistent read snapshot that does not hold the write lock; always rolled back.

        Use it for long reads (the journal audit) so the counter can keep writing.
        """
        engine = self.engine.execution_options(kiosk_read_only=True)
        with naming_damage(self.shown), Session(engine, expire_on_commit=False) as session:
            try:
                yield session
            finally:
                session.rollback()

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str, keys: KioskKeys) -> Store:
    """Check, migrate and open the store at ``url``."""
    path = sqlite_path(url)
    if path is not None:
        check_sqlite_file(path)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _create_private_file(path)
    engine = create_engine_for(url)
    try:
        if path is None and engine.dialect.name != "sqlite":
            _check_server_database(engine, _safe_url(url))
        migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        if path is not None and "not a database" in str(exc.orig):
            raise NotADatabaseError(path=str(path)) from None
        raise DatabaseUnavailableError(url=_safe_url(url), problem=str(exc.orig)) from None
    except StoreError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        problem = damage_of(exc)
        if path is not None and problem is not None:
            raise CorruptDatabaseError(path=str(path), problem=problem) from None
        raise DatabaseUnavailableError(url=_safe_url(url), problem=type(exc).__name__) from None
    store = Store(engine, keys)
    _index_for_search(store)
    return store


def _index_for_search(store: Store) -> None:
    """Search terms need the index key, which migrations do not hold: fill them in here."""
    from store.holders import backfill_search_terms  # store.holders builds on this module

    with store.unit_of_work() as tx:
        backfill_search_terms(tx, store.cipher)


def _create_private_file(path: Path) -> None:
    """A new database file starts empty with mode 0600; SQLite gives its -wal and -shm
    files the database file's mode. An existing file is left as it is."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.fchmod(fd, 0o600)
    os.close(fd)


def _check_server_database(engine: Engine, shown: str) -> None:
    """On a database server: refuse a schema that holds another application's tables."""
    tables = set(inspect(engine).get_table_names())
    if not tables:
        return
    if "alembic_version" not in tables:
        raise ForeignDatabaseError(path=shown, problem="it has no kiosk schema version")
    with engine.connect() as connection:
        versions = {
            str(row[0])
            for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")
        }
    _refuse_unknown_versions(shown, versions)


def _refuse_unknown_versions(shown: str, versions: set[str]) -> None:
    """A schema version this code does not know belongs to another application."""
    unknown = versions - known_revisions()
    if unknown:
        raise ForeignDatabaseError(
            path=shown, problem=f"unknown schema version {', '.join(sorted(unknown))}"
        )


def _safe_url(url: str | URL) -> str:
    return make_url(url).render_as_string(hide_password=True)

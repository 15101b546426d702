"""Opening the store: pragmas, migrations, one transaction per unit of work, bad files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import select

from store.database import create_engine_for, migrate, open_store
from store.errors import CorruptDatabaseError, ForeignDatabaseError, NotADatabaseError, StoreError
from store.keys import KioskKeys
from store.models import METADATA, Office


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_migrating_an_empty_database_matches_the_models(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    migrate(engine)
    migrate(engine)  # idempotent: a kiosk runs it at every start
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, METADATA) == []
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert set(METADATA.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_every_connection_has_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_unit_of_work_commits_or_rolls_back_as_one(tmp_path: Path, keys: KioskKeys) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'u.sqlite3'}", keys)
    with store.unit_of_work() as session:
        session.add(Office(id="KK-A", name="A"))
    with pytest.raises(ValueError), store.unit_of_work() as session:
        session.add(Office(id="KK-B", name="B"))
        session.flush()
        raise ValueError("boom")
    with store.unit_of_work() as session:
        assert [o.id for o in session.exec(select(Office)).all()] == ["KK-A"]
    store.close()


def test_not_sqlite_file_is_refused_and_left_untouched(tmp_path: Path, keys: KioskKeys) -> None:
    path = tmp_path / "kiosk.sqlite3"
    path.write_bytes(b"%PDF-1.7 this is somebody's document\n" * 50)
    before = _snapshot(tmp_path)
    with pytest.raises(NotADatabaseError) as caught:
        open_store(f"sqlite:///{path}", keys)
    assert str(path) in str(caught.value)
    assert _snapshot(tmp_path) == before


def test_damaged_sqlite_file_is_refused_and_left_untouched(tmp_path: Path, keys: KioskKeys) -> None:
    path = tmp_path / "kiosk.sqlite3"
    store = open_store(f"sqlite:///{path}", keys)
    store.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # overwrite the schema page after the header
    path.write_bytes(bytes(data))
    for extra in tmp_path.glob("kiosk.sqlite3-*"):
        extra.unlink()
    before = _snapshot(tmp_path)
    with pytest.raises((CorruptDatabaseError, NotADatabaseError)):
        open_store(f"sqlite:///{path}", keys)
    assert _snapshot(tmp_path) == before


def test_foreign_sqlite_database_is_refused_and_left_untouched(
    tmp_path: Path, keys: KioskKeys
) -> None:
    path = tmp_path / "kiosk.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    connection.commit()
    connection.close()
    before = _snapshot(tmp_path)
    with pytest.raises(ForeignDatabaseError) as caught:
        open_store(f"sqlite:///{path}", keys)
    assert "schema version" in str(caught.value)
    assert _snapshot(tmp_path) == before


def test_other_apps_alembic_database_is_refused(tmp_path: Path, keys: KioskKeys) -> None:
    path = tmp_path / "kiosk.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    connection.execute("INSERT INTO alembic_version VALUES ('ae1027a6acf')")
    connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    before = _snapshot(tmp_path)
    with pytest.raises(ForeignDatabaseError, match="ae1027a6acf"):
        open_store(f"sqlite:///{path}", keys)
    assert _snapshot(tmp_path) == before


def test_store_errors_have_catalogue_texts_in_both_languages() -> None:
    import store.errors as errors
    from kiosk.i18n import Catalogue

    classes = [
        c
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, StoreError) and c is not StoreError
    ]
    assert classes
    for lang in ("sv", "en"):
        catalogue = Catalogue(lang)
        for cls in classes:
            assert catalogue.has(cls.key), (lang, cls.key)
            assert cls.hint_key is None or catalogue.has(cls.hint_key), (lang, cls.hint_key)

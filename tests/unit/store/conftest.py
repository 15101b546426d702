"""Fixtures for the store tests: a fresh key file and SQLite store per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clock import FixedClock
from store.database import Store, open_store
from store.journal import Journal
from store.keys import KioskKeys, load_or_create_keys

KIOSK_ID = "kiosk-test-1"


@pytest.fixture
def keys(tmp_path: Path) -> KioskKeys:
    return load_or_create_keys(tmp_path / "keys" / "kiosk.key")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "kiosk.sqlite3"


@pytest.fixture
def store(db_path: Path, keys: KioskKeys) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{db_path}", keys)
    yield opened
    opened.close()


@pytest.fixture
def journal(store: Store, clock: FixedClock) -> Journal:
    return Journal(KIOSK_ID, store.keys, store.cipher, clock=clock)

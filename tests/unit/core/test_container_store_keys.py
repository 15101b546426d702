"""App start (the container): a key file is created only together with a new database;
an existing database whose key file is missing is refused, never given a new key."""

from __future__ import annotations

from pathlib import Path

import pytest

from clock import FixedClock
from kiosk.commands.demo import demo_config
from kiosk.container import build_services
from kiosk.i18n import Catalogue
from store.errors import MissingKeyFileError


def _start(data: Path, clock: FixedClock) -> None:
    build_services(demo_config(data, "en"), clock=clock).close()


def test_a_new_store_gets_its_key_file_with_it(tmp_path: Path, clock: FixedClock) -> None:
    data = tmp_path / "kiosk"
    _start(data, clock)
    assert (data / "kiosk.key").is_file()
    assert (data / "kiosk.sqlite3").is_file()
    key = (data / "kiosk.key").read_bytes()
    _start(data, clock)
    assert (data / "kiosk.key").read_bytes() == key


def test_an_existing_store_without_its_key_file_is_refused(
    tmp_path: Path, clock: FixedClock
) -> None:
    data = tmp_path / "kiosk"
    _start(data, clock)
    (data / "kiosk.key").unlink()
    database = (data / "kiosk.sqlite3").read_bytes()
    with pytest.raises(MissingKeyFileError) as caught:
        _start(data, clock)
    assert not (data / "kiosk.key").exists()
    assert (data / "kiosk.sqlite3").read_bytes() == database
    message = Catalogue("en").error(caught.value)
    assert str(data / "kiosk.key") in message
    assert "backup" in message

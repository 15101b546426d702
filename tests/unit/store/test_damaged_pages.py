"""A page of garbage in the database file: a typed error naming the file, at app start,
in every unit of work, read snapshot and lookup, and from the command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clock import FixedClock
from kiosk.commands.demo import demo_config
from kiosk.container import build_services
from kiosk.i18n import Catalogue
from store.database import open_store
from store.errors import CorruptDatabaseError
from store.keys import load_keys
from store.lookup import Lookup
from tests.support.damage import garbage_pages

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from clock import system_clock

    data = tmp_path_factory.mktemp("demo") / "kiosk"
    build_services(demo_config(data, "en"), clock=system_clock).close()
    return data


def _damaged_copy(demo_store: Path, tmp_path: Path, table: str) -> Path:
    data = tmp_path / "kiosk"
    shutil.copytree(demo_store, data)
    garbage_pages(data / "kiosk.sqlite3", table)
    return data


def _assert_names_the_file(exc: CorruptDatabaseError, data: Path) -> None:
    for lang in ("sv", "en"):
        message = Catalogue(lang).error(exc)
        assert str(data / "kiosk.sqlite3") in message
        assert "\n" not in message


def test_app_start_on_a_garbage_page_is_a_typed_error(
    demo_store: Path, tmp_path: Path, clock: FixedClock
) -> None:
    data = _damaged_copy(demo_store, tmp_path, "operators")
    with pytest.raises(CorruptDatabaseError) as caught:
        build_services(demo_config(data, "en"), clock=clock)
    _assert_names_the_file(caught.value, data)


@pytest.mark.parametrize("access", ["unit_of_work", "read_only", "lookup"])
def test_reading_a_garbage_page_is_a_typed_error(
    demo_store: Path, tmp_path: Path, access: str
) -> None:
    data = _damaged_copy(demo_store, tmp_path, "holders")
    store = open_store(f"sqlite:///{data / 'kiosk.sqlite3'}", load_keys(data / "kiosk.key"))
    try:
        with pytest.raises(CorruptDatabaseError) as caught:
            if access == "lookup":
                lookup = Lookup(store)
                try:
                    lookup.holders_by_hsa_id("SE2321000016-1234")
                finally:
                    lookup.close()
            else:
                with getattr(store, access)() as session:
                    session.connection().exec_driver_sql("SELECT * FROM holders").all()
        _assert_names_the_file(caught.value, data)
    finally:
        store.close()


def test_cli_report_on_a_garbage_page_exits_1_with_one_line(
    demo_store: Path, tmp_path: Path
) -> None:
    data = _damaged_copy(demo_store, tmp_path, "journal")
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "report", "day", "--data", str(data), "--lang", "en"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(data / "kiosk.sqlite3") in lines[0]

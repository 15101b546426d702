"""File modes: the kiosk refuses key files that group or others may read, and creates its
data directory 0700 and its files (database, key, logs, receipts, reports) 0600, whatever
the umask."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from clock import FixedClock
from kiosk.commands.demo import demo_config
from kiosk.container import _office_puk_key, build_services
from kiosk.errors import ConfigError
from kiosk.logging_setup import app_logging
from kiosk.receipts.printing import save_pdf
from store.errors import BadKeyFileError
from store.keys import load_keys, load_or_create_keys

REPO = Path(__file__).resolve().parents[3]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask of a login shell: new files 0644 and directories 0755 by default."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o666, 0o660, 0o610], ids=oct)
def test_a_key_file_group_or_others_may_read_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "kiosk.key"
    load_or_create_keys(path)
    path.chmod(mode)
    with pytest.raises(BadKeyFileError) as caught:
        load_keys(path)
    assert "chmod 600" in str(caught.value)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("mode", [0o600, 0o400], ids=oct)
def test_a_key_file_private_to_its_owner_is_read(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "kiosk.key"
    keys = load_or_create_keys(path)
    path.chmod(mode)
    assert load_keys(path).public_key_bytes() == keys.public_key_bytes()


def test_app_start_refuses_a_loose_key_file(tmp_path: Path, clock: FixedClock) -> None:
    data = tmp_path / "kiosk"
    build_services(demo_config(data, "en"), clock=clock).close()
    (data / "kiosk.key").chmod(0o644)
    with pytest.raises(BadKeyFileError):
        build_services(demo_config(data, "en"), clock=clock)


def test_cli_audit_refuses_a_loose_key_file_with_one_line(
    tmp_path: Path, clock: FixedClock
) -> None:
    data = tmp_path / "kiosk"
    build_services(demo_config(data, "en"), clock=clock).close()
    (data / "kiosk.key").chmod(0o666)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "audit", "verify", "--data", str(data), "--lang", "en"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(data / "kiosk.key") in lines[0]
    assert "chmod 600" in lines[0]


def test_a_loose_office_puk_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "office-puk.key"
    path.write_text(bytes(range(32)).hex())
    path.chmod(0o644)
    with pytest.raises(ConfigError) as caught:
        _office_puk_key(str(path))
    assert caught.value.params["key_name"] == "central.puk_key_file"
    assert "chmod 600" in caught.value.params["problem"]


@pytest.mark.usefixtures("open_umask")
def test_a_new_data_dir_is_0700_and_its_files_0600(tmp_path: Path, clock: FixedClock) -> None:
    data = tmp_path / "new" / "kiosk"
    with app_logging(data):
        logging.getLogger("kiosk.test").warning("a line in the log file")
        build_services(demo_config(data, "en"), clock=clock).close()
    assert _mode(data) == 0o700
    assert _mode(data / "logs") == 0o700
    private = [data / "kiosk.key", data / "kiosk.sqlite3", data / "logs" / "kiosk.log"]
    private.extend(data.glob("kiosk.sqlite3-*"))
    for path in private:
        assert _mode(path) == 0o600, path
    receipt = save_pdf(data / "receipts", "receipt.pdf", b"%PDF-1.7\n")
    assert _mode(receipt.parent) == 0o700
    assert _mode(receipt) == 0o600


@pytest.mark.usefixtures("open_umask")
def test_the_database_file_and_its_wal_are_0600(tmp_path: Path) -> None:
    from store.database import open_store

    data = tmp_path / "kiosk"
    keys = load_or_create_keys(data / "kiosk.key")
    store = open_store(f"sqlite:///{data / 'kiosk.sqlite3'}", keys)
    try:
        with store.unit_of_work() as session:
            session.connection().exec_driver_sql("SELECT count(*) FROM journal").all()
        files = [data / "kiosk.sqlite3", *data.glob("kiosk.sqlite3-*")]
        assert len(files) == 3  # the database, its -wal and -shm while open
        for path in files:
            assert _mode(path) == 0o600, path
    finally:
        store.close()


@pytest.mark.usefixtures("open_umask")
def test_an_existing_data_dir_keeps_working(tmp_path: Path, clock: FixedClock) -> None:
    data = tmp_path / "shared"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    build_services(demo_config(data, "en"), clock=clock).close()
    assert _mode(data / "kiosk.sqlite3") == 0o600
    assert _mode(data) == 0o755  # the folder an operator chose is left as it is

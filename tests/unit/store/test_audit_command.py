"""``kiosk audit verify``: exit 0 on an intact journal, 1 naming the first broken link."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from clock import Clock, FixedClock
from kiosk.cli import main
from store.database import open_store
from store.journal import Journal
from store.keys import load_or_create_keys
from tests.support.damage import garbage_pages

REPO = Path(__file__).resolve().parents[3]


def _make_journal(data: Path, clock: Clock, count: int = 5) -> Path:
    keys = load_or_create_keys(data / "kiosk.key")
    db_path = data / "kiosk.sqlite3"
    store = open_store(f"sqlite:///{db_path}", keys)
    journal = Journal("kiosk-solna-1", keys, store.cipher, clock=clock)
    with store.unit_of_work() as session:
        for number in range(count):
            journal.append(session, event_type="card.blocked", operator=None, payload={"n": number})
    store.close()
    return db_path


def _sql(db_path: Path, *statements: str) -> None:
    connection = sqlite3.connect(db_path, isolation_level=None)
    try:
        for statement in statements:
            connection.execute(statement)
    finally:
        connection.close()


def test_audit_verify_subprocess_ok_then_broken(tmp_path: Path, clock: FixedClock) -> None:
    db_path = _make_journal(tmp_path, clock)
    command = [sys.executable, "-m", "kiosk", "audit", "verify", "--data", str(tmp_path)]
    ok = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "5" in ok.stdout
    _sql(db_path, "DELETE FROM journal WHERE seq = 3")
    broken = subprocess.run(
        [*command, "--lang", "en"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "seq 3 (seq_gap)" in broken.stdout


TAMPERS: dict[str, tuple[Callable[[Path], None], int, str]] = {
    "edit_payload": (
        lambda p: _sql(p, "UPDATE journal SET payload_enc = X'0011' WHERE seq = 2"),
        2,
        "undecryptable",
    ),
    "edit_operator": (
        lambda p: _sql(p, "UPDATE journal SET operator = 'intruder' WHERE seq = 4"),
        4,
        "hash_mismatch",
    ),
    "delete_row": (lambda p: _sql(p, "DELETE FROM journal WHERE seq = 2"), 2, "seq_gap"),
    "delete_newest": (lambda p: _sql(p, "DELETE FROM journal WHERE seq = 5"), 5, "missing_tail"),
    "reorder": (
        lambda p: _sql(
            p,
            "UPDATE journal SET seq = -1 WHERE seq = 3",
            "UPDATE journal SET seq = 3 WHERE seq = 4",
            "UPDATE journal SET seq = 4 WHERE seq = -1",
        ),
        3,
        "reordered",
    ),
    "corrupt_signature": (
        lambda p: _sql(p, f"UPDATE journal SET signature = '{'ab' * 64}' WHERE seq = 5"),
        5,
        "bad_signature",
    ),
}


@pytest.mark.parametrize("tamper", sorted(TAMPERS))
def test_audit_verify_names_each_tampering(
    tmp_path: Path, clock: FixedClock, tamper: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = _make_journal(tmp_path, clock)
    change, seq, kind = TAMPERS[tamper]
    change(db_path)
    code = main(["audit", "verify", "--data", str(tmp_path), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"seq {seq} ({kind})" in out


def test_audit_verify_without_key_file_fails_clearly(
    tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    _make_journal(tmp_path, clock)
    (tmp_path / "kiosk.key").unlink()
    code = main(["audit", "verify", "--data", str(tmp_path)])
    assert code == 1
    assert "kiosk.key" in capsys.readouterr().err


def test_audit_verify_without_database_does_not_create_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["audit", "verify", "--data", str(tmp_path / "nothing")])
    assert code == 1
    assert not (tmp_path / "nothing").exists()
    assert "kiosk.sqlite3" in capsys.readouterr().err


def _audit(data: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kiosk", "audit", "verify", "--data", str(data), "--lang"]
    return subprocess.run(
        [*command, "en"], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )


def test_audit_verify_a_wiped_journal_with_a_recorded_head_is_broken(
    tmp_path: Path, clock: FixedClock
) -> None:
    db_path = _make_journal(tmp_path, clock, count=40)
    _sql(db_path, "DELETE FROM journal")
    result = _audit(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "kiosk-solna-1" in result.stdout
    assert "seq 1 (missing_tail)" in result.stdout
    assert "40" in result.stdout
    assert "nothing to check" not in result.stdout
    assert "Traceback" not in result.stderr


def test_audit_verify_a_journal_shorter_than_its_recorded_head_is_broken(
    tmp_path: Path, clock: FixedClock
) -> None:
    db_path = _make_journal(tmp_path, clock, count=10)
    _sql(db_path, "DELETE FROM journal WHERE seq > 4")
    result = _audit(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "seq 5 (missing_tail)" in result.stdout


def test_audit_verify_an_unreadable_recorded_head_is_broken(
    tmp_path: Path, clock: FixedClock
) -> None:
    db_path = _make_journal(tmp_path, clock, count=3)
    _sql(db_path, "UPDATE sync_state SET value = 'lots' WHERE key LIKE 'journal.head_seq.%'")
    result = _audit(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "(head_unreadable)" in result.stdout
    assert "Traceback" not in result.stderr


def test_audit_verify_a_new_store_is_empty_and_intact(tmp_path: Path, clock: FixedClock) -> None:
    _make_journal(tmp_path, clock, count=0)
    result = _audit(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "empty" in result.stdout


def test_audit_verify_a_garbage_database_page_is_a_typed_error_naming_the_file(
    tmp_path: Path, clock: FixedClock
) -> None:
    db_path = _make_journal(tmp_path, clock, count=200)
    garbage_pages(db_path, "journal")
    result = _audit(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(db_path) in lines[0]
    assert "damaged" in lines[0]

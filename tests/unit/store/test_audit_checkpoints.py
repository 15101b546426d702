"""``kiosk audit verify --checkpoints``: the kiosk's own journal held to the central's
checkpoints catches what the journal alone cannot: its newest rows deleted together with
the recorded head, and a history re-signed with the kiosk's own key."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from clock import FixedClock
from kiosk.cli import main
from protocol.checkpoint_verify import CheckpointFields, checkpoint_signed_bytes
from protocol.event_format import format_timestamp
from store.database import open_store
from store.journal import Journal
from store.keys import load_or_create_keys

KIOSK_ID = "kiosk-solna-1"
CENTRAL = Ed25519PrivateKey.generate()


def _append(data: Path, clock: FixedClock, count: int) -> list[str]:
    keys = load_or_create_keys(data / "kiosk.key")
    store = open_store(f"sqlite:///{data / 'kiosk.sqlite3'}", keys)
    journal = Journal(KIOSK_ID, keys, store.cipher, clock=clock)
    with store.unit_of_work() as session:
        hashes = [
            journal.append(session, event_type="card.blocked", operator=None, payload={"n": n}).hash
            for n in range(count)
        ]
    store.close()
    return hashes


def _sql(data: Path, *statements: str) -> None:
    connection = sqlite3.connect(data / "kiosk.sqlite3", isolation_level=None)
    try:
        for statement in statements:
            connection.execute(statement)
    finally:
        connection.close()


def _checkpoints(
    data: Path,
    clock: FixedClock,
    seq: int,
    head_hash: str,
    signer: Ed25519PrivateKey = CENTRAL,
    kiosk_key: str | None = None,
) -> Path:
    issued = format_timestamp(clock())
    message = checkpoint_signed_bytes(
        kiosk_id=KIOSK_ID, head_seq=seq, head_hash=head_hash, issued_at=issued, kiosk_key=kiosk_key
    )
    signature = signer.sign(message).hex()
    checkpoint = CheckpointFields(KIOSK_ID, seq, head_hash, issued, signature, kiosk_key)
    central = CENTRAL.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    path = data / "checkpoints.json"
    path.write_text(
        json.dumps({"central_public_key": central.hex(), "checkpoints": [checkpoint.to_dict()]}),
        encoding="utf-8",
    )
    return path


def _audit(data: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["audit", "verify", "--data", str(data), "--lang", "en", *extra])
    return code, capsys.readouterr().out


def test_r9_rows_and_recorded_head_deleted_together_are_caught_by_the_checkpoint(
    tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    hashes = _append(tmp_path, clock, 6)
    spec = _checkpoints(tmp_path, clock, 6, hashes[-1])
    assert _audit(tmp_path, capsys, "--checkpoints", str(spec))[0] == 0
    _sql(
        tmp_path,
        "DELETE FROM journal WHERE seq > 4",
        "UPDATE sync_state SET value = '4' WHERE key LIKE 'journal.head_seq.%'",
    )
    assert _audit(tmp_path, capsys)[0] == 0  # the journal alone cannot tell
    code, out = _audit(tmp_path, capsys, "--checkpoints", str(spec))
    assert code == 1
    assert "seq 5 (missing_tail)" in out


def test_a_wiped_journal_is_caught_by_the_checkpoint(
    tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    hashes = _append(tmp_path, clock, 3)
    spec = _checkpoints(tmp_path, clock, 3, hashes[-1])
    _sql(tmp_path, "DELETE FROM journal", "DELETE FROM sync_state")
    code, out = _audit(tmp_path, capsys, "--checkpoints", str(spec))
    assert code == 1
    assert "seq 1 (missing_tail)" in out


def test_a_history_resigned_with_the_kiosks_key_is_caught_by_the_checkpoint(
    tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    hashes = _append(tmp_path, clock, 5)
    spec = _checkpoints(tmp_path, clock, 5, hashes[-1])
    _sql(tmp_path, "DELETE FROM journal", "DELETE FROM sync_state")
    _append(tmp_path, clock, 6)  # another history, signed with the kiosk's own key
    assert _audit(tmp_path, capsys)[0] == 0
    code, out = _audit(tmp_path, capsys, "--checkpoints", str(spec))
    assert code == 1
    assert "seq 5 (checkpoint_mismatch)" in out


def test_a_checkpoint_not_signed_by_the_central_is_refused(
    tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    hashes = _append(tmp_path, clock, 4)
    spec = _checkpoints(tmp_path, clock, 4, hashes[-1], signer=Ed25519PrivateKey.generate())
    code, out = _audit(tmp_path, capsys, "--checkpoints", str(spec))
    assert code == 1
    assert "seq 4 (bad_checkpoint)" in out


def test_a_history_resigned_with_a_new_key_is_caught_by_the_kiosk_key_the_checkpoint_names(
    tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    hashes = _append(tmp_path, clock, 5)
    registered = load_or_create_keys(tmp_path / "kiosk.key")
    spec = _checkpoints(
        tmp_path, clock, 5, hashes[-1], kiosk_key=registered.public_key_bytes().hex()
    )
    assert _audit(tmp_path, capsys, "--checkpoints", str(spec))[0] == 0
    replaced = dataclasses.replace(registered, signing_key=Ed25519PrivateKey.generate())
    (tmp_path / "kiosk.key").write_text(replaced.to_json(), encoding="utf-8")
    (tmp_path / "kiosk.key").chmod(0o600)
    _sql(tmp_path, "DELETE FROM journal", "DELETE FROM sync_state")
    _append(tmp_path, clock, 5)  # the history again, signed with the new key
    assert _audit(tmp_path, capsys)[0] == 0  # the journal alone cannot tell
    code, out = _audit(tmp_path, capsys, "--checkpoints", str(spec))
    assert code == 1
    assert "seq 1 (wrong_kiosk_key)" in out

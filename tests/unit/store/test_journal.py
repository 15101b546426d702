"""The journal: written in the caller's transaction, chained, signed, and audited."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

import store.journal_audit as journal_audit
from clock import FixedClock
from protocol.event_format import GENESIS_HASH, format_timestamp
from store.database import Store
from store.journal import PRIORITY_BLOCK, Journal, canonical_payload
from store.journal_audit import AuditReport

from .conftest import KIOSK_ID


def _fill(store: Store, journal: Journal, count: int) -> None:
    with store.unit_of_work() as session:
        for number in range(count):
            journal.append(
                session,
                event_type="card.activated",
                operator="SE2321000016-0001",
                payload={"serial": f"S{number}", "namn": "Åsa Öberg"},
            )


def _audit(store: Store, journal: Journal, workers: int | None = 1) -> AuditReport:
    with store.unit_of_work() as session:
        return journal.verify_chain(session, workers=workers)


def _raw(db_path: Path, sql: str, *params: object) -> None:
    connection = sqlite3.connect(db_path, isolation_level=None)
    try:
        connection.execute(sql, params)
    finally:
        connection.close()


def test_append_chains_hashes_and_signs(store: Store, journal: Journal) -> None:
    _fill(store, journal, 3)
    with store.unit_of_work() as session:
        events = list(journal.events(session))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    public = store.keys.public_key_bytes()
    assert all(e.hash_ok() and e.signature_ok(public) for e in events)
    assert events[0].payload == {"serial": "S0", "namn": "Åsa Öberg"}
    assert events[0].occurred_at.endswith("Z")


def test_append_stamps_the_journal_clock_unless_told_a_moment(
    store: Store, journal: Journal, clock: FixedClock
) -> None:
    with store.unit_of_work() as session:
        first = journal.append(session, event_type="a", operator=None, payload={})
        later = clock.advance(dt.timedelta(minutes=5))
        second = journal.append(session, event_type="b", operator=None, payload={})
        earlier = later - dt.timedelta(days=2)
        told = journal.append(session, event_type="c", operator=None, payload={}, now=earlier)
    assert first.occurred_at == format_timestamp(later - dt.timedelta(minutes=5))
    assert second.occurred_at == format_timestamp(later)
    assert told.occurred_at == format_timestamp(earlier)


def test_rolled_back_transaction_leaves_no_event_and_no_seq_gap(
    store: Store, journal: Journal
) -> None:
    _fill(store, journal, 1)
    with pytest.raises(RuntimeError), store.unit_of_work() as session:
        journal.append(session, event_type="card.blocked", operator=None, payload={})
        raise RuntimeError("state change failed after the event was written")
    with store.unit_of_work() as session:
        assert journal.count(session) == 1
        journal.append(session, event_type="card.blocked", operator=None, payload={})
    with store.unit_of_work() as session:
        assert [e.seq for e in journal.events(session)] == [1, 2]
    assert _audit(store, journal).ok


def test_pending_puts_block_requests_first_and_mark_records_answer(
    store: Store, journal: Journal
) -> None:
    with store.unit_of_work() as session:
        first = journal.append(session, event_type="card.activated", operator=None, payload={})
        block = journal.append(
            session, event_type="card.blocked", operator=None, payload={}, priority=PRIORITY_BLOCK
        )
    with store.unit_of_work() as session:
        assert [e.event_id for e in journal.pending(session, 10)] == [
            block.event_id,
            first.event_id,
        ]
        journal.mark(session, block.event_id, "accepted")
        journal.mark(session, first.event_id, "rejected", "unknown card")
    with store.unit_of_work() as session:
        assert journal.pending(session, 10) == []


def test_payload_is_encrypted_at_rest(store: Store, journal: Journal, db_path: Path) -> None:
    _fill(store, journal, 2)
    store.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.is_file())
    assert "Öberg".encode() not in raw
    assert b"S1" not in raw


def test_intact_chain_verifies(store: Store, journal: Journal) -> None:
    _fill(store, journal, 5)
    report = _audit(store, journal)
    assert report.ok, report.describe()
    assert report.events_checked == 5
    assert report.head_seq == 5


def test_edited_operator_is_named(store: Store, journal: Journal, db_path: Path) -> None:
    _fill(store, journal, 5)
    _raw(db_path, "UPDATE journal SET operator = 'SE-intruder' WHERE seq = 3")
    report = _audit(store, journal)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (3, "hash_mismatch")


def test_edited_payload_reencrypted_with_the_key_is_named(
    store: Store, journal: Journal, db_path: Path
) -> None:
    _fill(store, journal, 5)
    with store.unit_of_work() as session:
        target = next(e for e in journal.events(session) if e.seq == 4)
    forged = store.cipher.encrypt_bytes(
        canonical_payload({"serial": "FORGED", "namn": "Åsa Öberg"}), target.event_id.encode()
    )
    _raw(db_path, "UPDATE journal SET payload_enc = ? WHERE seq = 4", forged)
    report = _audit(store, journal)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (4, "hash_mismatch")


def test_edited_payload_bytes_are_named(store: Store, journal: Journal, db_path: Path) -> None:
    _fill(store, journal, 5)
    _raw(
        db_path,
        "UPDATE journal SET payload_enc = X'00112233445566778899AABBCCDDEEFF' WHERE seq = 2",
    )
    report = _audit(store, journal)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (2, "undecryptable")


def test_deleted_row_is_named(store: Store, journal: Journal, db_path: Path) -> None:
    _fill(store, journal, 5)
    _raw(db_path, "DELETE FROM journal WHERE seq = 3")
    report = _audit(store, journal)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (3, "seq_gap")


def test_deleted_newest_row_is_named(store: Store, journal: Journal, db_path: Path) -> None:
    _fill(store, journal, 5)
    _raw(db_path, "DELETE FROM journal WHERE seq = 5")
    report = _audit(store, journal)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (5, "missing_tail")


def test_deleted_row_with_renumbered_successors_is_named(
    store: Store, journal: Journal, db_path: Path
) -> None:
    _fill(store, journal, 5)
    _raw(db_path, "DELETE FROM journal WHERE seq = 2")
    for seq in (3, 4, 5):
        _raw(db_path, "UPDATE journal SET seq = ? WHERE seq = ?", seq - 1, seq)
    report = _audit(store, journal)
    assert report.problem is not None
    assert report.problem.seq == 2
    assert report.problem.kind in ("reordered", "hash_mismatch")


def test_reordered_rows_are_named(store: Store, journal: Journal, db_path: Path) -> None:
    _fill(store, journal, 5)
    _raw(db_path, "UPDATE journal SET seq = -1 WHERE seq = 2")
    _raw(db_path, "UPDATE journal SET seq = 2 WHERE seq = 3")
    _raw(db_path, "UPDATE journal SET seq = 3 WHERE seq = -1")
    report = _audit(store, journal)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (2, "reordered")
    assert "written as seq 3" in report.problem.detail


@pytest.mark.parametrize("workers", [1, 2])
def test_corrupted_signature_is_named(
    store: Store,
    journal: Journal,
    db_path: Path,
    workers: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(journal_audit, "PARALLEL_THRESHOLD", 1)
    _fill(store, journal, 6)
    with store.unit_of_work() as session:
        target = next(e for e in journal.events(session) if e.seq == 5)
    flipped = ("0" if target.signature[0] != "0" else "1") + target.signature[1:]
    _raw(db_path, "UPDATE journal SET signature = ? WHERE seq = 5", flipped)
    report = _audit(store, journal, workers=workers)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (5, "bad_signature")


def test_first_of_several_problems_is_reported(
    store: Store, journal: Journal, db_path: Path
) -> None:
    _fill(store, journal, 6)
    _raw(db_path, "UPDATE journal SET signature = ? WHERE seq = 2", "00" * 64)
    _raw(db_path, "UPDATE journal SET operator = 'x' WHERE seq = 4")
    report = _audit(store, journal)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (2, "bad_signature")


def test_other_kiosk_events_do_not_mix(store: Store, journal: Journal) -> None:
    other = Journal("kiosk-other", store.keys, store.cipher, clock=journal.clock)
    with store.unit_of_work() as session:
        journal.append(session, event_type="a", operator=None, payload={})
        other.append(session, event_type="b", operator=None, payload={})
        journal.append(session, event_type="c", operator=None, payload={"n": 1})
    with store.unit_of_work() as session:
        assert [e.seq for e in journal.events(session)] == [1, 2]
        assert [e.seq for e in other.events(session)] == [1]
    assert _audit(store, journal).ok
    assert json.dumps(KIOSK_ID)


def test_two_writers_on_one_file_never_fork_the_chain(
    store: Store, journal: Journal, db_path: Path
) -> None:
    import threading

    from store.database import open_store

    other_store = open_store(f"sqlite:///{db_path}", store.keys)
    writers = [
        journal,
        Journal(KIOSK_ID, other_store.keys, other_store.cipher, clock=journal.clock),
    ]
    stores = [store, other_store]
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            for number in range(25):
                with stores[index].unit_of_work() as session:
                    writers[index].append(
                        session, event_type="t", operator=None, payload={"w": index, "n": number}
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other_store.close()
    assert errors == []
    report = _audit(store, journal)
    assert report.ok, report.describe()
    assert report.events_checked == 50


def test_audit_in_read_only_snapshot_does_not_block_writers(store: Store, journal: Journal) -> None:
    _fill(store, journal, 3)
    with store.read_only() as reader:
        assert journal.verify_chain(reader, workers=1).ok
        with store.unit_of_work() as session:  # would wait 30 s if the reader held the lock
            journal.append(session, event_type="t", operator=None, payload={})
    with store.read_only() as reader:
        assert journal.count(reader) == 4

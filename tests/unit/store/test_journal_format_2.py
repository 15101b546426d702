"""Format 2 journal events: the hash covers a payload digest, not the payload, and the
chain verifies with the kiosk's public key alone; format 1 journals continue in format 2."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clock import FixedClock
from protocol.event_format import (
    FORMAT_V1,
    FORMAT_V2,
    GENESIS_HASH,
    SignedEvent,
    canonical_bytes_v2,
    canonical_json,
    format_timestamp,
    sign_hash,
)
from store.database import Store
from store.journal import Journal
from store.journal_audit import AuditReport, verify_chain

from .conftest import KIOSK_ID

NAME = "Åsa Öberg"
PNR = "198112289874"


def _fill(store: Store, journal: Journal, count: int) -> list[SignedEvent]:
    with store.unit_of_work() as session:
        return [
            journal.append(
                session,
                event_type="card.blocked",
                operator="SE2321000016-0001",
                payload={"serial": f"S{n}", "name": NAME, "personnummer": PNR},
            )
            for n in range(count)
        ]


def _public_audit(store: Store, workers: int = 1) -> AuditReport:
    with store.unit_of_work() as session:
        return verify_chain(
            session,
            kiosk_id=KIOSK_ID,
            cipher=None,
            public_key_bytes=store.keys.public_key_bytes(),
            workers=workers,
        )


def _raw(db_path: Path, sql: str, *params: object) -> None:
    connection = sqlite3.connect(db_path, isolation_level=None)
    try:
        connection.execute(sql, params)
    finally:
        connection.close()


def test_format_2_hash_covers_a_digest_and_no_personal_data(store: Store, journal: Journal) -> None:
    events = _fill(store, journal, 2)
    for event in events:
        assert event.event_format == FORMAT_V2
        assert event.hash_ok()
        hashed = canonical_bytes_v2(event.hashed_fields())
        assert NAME.encode() not in hashed and PNR.encode() not in hashed
    assert events[1].prev_hash == events[0].hash
    assert events[1].prev_signature == events[0].signature
    with store.unit_of_work() as session:
        again = list(journal.events(session))
    assert again == events


def test_the_chain_verifies_with_the_public_key_alone(store: Store, journal: Journal) -> None:
    _fill(store, journal, 6)
    report = _public_audit(store)
    assert report.ok, report.describe()
    assert report.events_checked == 6


def test_public_key_audit_names_an_edited_event(
    store: Store, journal: Journal, db_path: Path
) -> None:
    _fill(store, journal, 6)
    _raw(db_path, "UPDATE journal SET event_type = 'card.activated' WHERE seq = 3")
    report = _public_audit(store)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (3, "hash_mismatch")


def test_public_key_audit_finds_the_first_event_rewritten_without_the_key(
    store: Store, journal: Journal, db_path: Path
) -> None:
    """Someone without the kiosk's key rewrites events 4.. with their own key and keeps the
    chain consistent: only signatures can tell, and the first bad one is named."""
    events = _fill(store, journal, 8)
    intruder = Ed25519PrivateKey.generate()
    prev_hash, prev_signature = events[2].hash, events[2].signature
    for event in events[3:]:
        forged = SignedEvent.create(
            intruder,
            event_id=event.event_id,
            kiosk_id=event.kiosk_id,
            seq=event.seq,
            occurred_at=event.occurred_at,
            operator="SE-intruder",
            event_type=event.event_type,
            payload=event.payload,
            prev_hash=prev_hash,
            prev_signature=prev_signature,
            payload_nonce=event.payload_nonce,
            event_format=FORMAT_V2,
        )
        _raw(
            db_path,
            "UPDATE journal SET operator = ?, prev_hash = ?, prev_signature = ?, hash = ?,"
            " signature = ? WHERE seq = ?",
            forged.operator,
            forged.prev_hash,
            forged.prev_signature,
            forged.hash,
            forged.signature,
            forged.seq,
        )
        prev_hash, prev_signature = forged.hash, forged.signature
    for workers in (1, 2):
        report = _public_audit(store, workers)
        assert report.problem is not None
        assert (report.problem.seq, report.problem.kind) == (4, "bad_signature")


def test_a_format_1_journal_continues_in_format_2_and_audits_whole(
    store: Store, journal: Journal, db_path: Path, clock: FixedClock
) -> None:
    """A journal written before format 2 keeps its events; the next one links to them."""
    key = store.keys.signing_key
    prev = GENESIS_HASH
    with store.unit_of_work() as session:
        journal.append(session, event_type="kiosk.started", operator=None, payload={})
    _raw(db_path, "DELETE FROM journal")
    for seq in (1, 2, 3):
        old = SignedEvent.create(
            key,
            event_id=str(uuid.uuid4()),
            kiosk_id=KIOSK_ID,
            seq=seq,
            occurred_at=format_timestamp(clock()),
            operator=None,
            event_type="card.blocked",
            payload={"serial": f"S{seq}", "name": NAME},
            prev_hash=prev,
        )
        assert old.event_format == FORMAT_V1
        blob = store.cipher.encrypt_bytes(canonical_json(old.payload), old.event_id.encode())
        _raw(
            db_path,
            "INSERT INTO journal (event_id, kiosk_id, seq, occurred_at, operator, event_type,"
            " payload_enc, prev_hash, hash, signature, sync_status, priority, event_format)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', 1, 1)",
            old.event_id,
            old.kiosk_id,
            old.seq,
            old.occurred_at,
            old.operator,
            old.event_type,
            blob,
            old.prev_hash,
            old.hash,
            old.signature,
        )
        prev = old.hash
    _raw(db_path, "UPDATE sync_state SET value = '3' WHERE key LIKE 'journal.head_seq.%'")
    new = _fill(store, journal, 2)
    assert new[0].seq == 4 and new[0].prev_hash == prev
    with store.unit_of_work() as session:
        events = list(journal.events(session))
        assert [e.event_format for e in events] == [1, 1, 1, 2, 2]
        assert new[0].prev_signature == events[2].signature
        full = journal.verify_chain(session, workers=1)
    assert full.ok, full.describe()
    assert _public_audit(store).ok
    _raw(db_path, "UPDATE journal SET event_format = 1 WHERE seq = 5")
    report = _public_audit(store)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (5, "format_downgrade")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_middle_signature_is_bound_by_the_next_event(
    store: Store, journal: Journal, db_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import store.journal_audit as journal_audit

    monkeypatch.setattr(journal_audit, "PARALLEL_THRESHOLD", 1)
    events = _fill(store, journal, 7)
    other = sign_hash(Ed25519PrivateKey.generate(), events[2].hash)
    _raw(db_path, "UPDATE journal SET signature = ? WHERE seq = 3", other)
    report = _public_audit(store, workers)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (3, "bad_signature")

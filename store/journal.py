"""The signed, hash-chained journal: audit trail and sync outbox in one table.

Writing
    :meth:`Journal.append` writes in the caller's transaction, so a state change and
    its event commit (or roll back) together. The new event's ``seq`` and
    ``prev_hash`` come from the last row read inside that same transaction; on SQLite
    every transaction begins with ``BEGIN IMMEDIATE`` (see ``store.database``), on
    PostgreSQL the append takes a transaction-scoped advisory lock, so two writers
    cannot fork the chain. ``UNIQUE(kiosk_id, seq)`` is the last line of defence.
    The head (last seq) is also recorded in ``sync_state`` in the same transaction,
    so that deleting the newest rows is noticed too. While the journal is recorded as
    diverged from the central (``store.checkpoints``) only card blocks are appended.
    Events are written in format 2
    (``protocol.event_format``): hash and signature cover a digest of the payload, not
    the payload, and the signature before. At rest the payload is AES-GCM encrypted
    (aad = event id): for format 2 the 16-byte payload nonce followed by the canonical
    JSON (so the digest is the SHA-256 of the decrypted bytes), for format 1 the
    canonical JSON alone.

Verifying
    :meth:`Journal.verify_chain` checks the whole chain (``store.journal_audit``).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, text, update
from sqlalchemy.orm import Session
from sqlmodel import col
from sqlmodel import select as select_model

from clock import Clock
from protocol.event_format import (
    FORMAT_V2,
    GENESIS_HASH,
    GENESIS_SIGNATURE,
    PAYLOAD_NONCE_BYTES,
    SignedEvent,
    canonical_json,
    format_timestamp,
)
from protocol.event_types import EventType
from store.checkpoints import refuse_while_diverged
from store.crypto import FieldCipher
from store.database import Transaction
from store.journal_audit import (
    AuditReport,
    head_state_key,
    recorded_head_kiosk_ids,
    verify_chain,
)
from store.keys import KioskKeys
from store.models import JournalRow, SyncState
from store.records import JournalEntry

SyncStatus = Literal["pending", "accepted", "rejected"]
PRIORITY_BLOCK = 0
PRIORITY_NORMAL = 1
PendingPlace = tuple[int, int]  # (priority, seq): where a pending event stands in line

log = logging.getLogger(__name__)

_T = JournalRow.__table__  # type: ignore[attr-defined]
_S = SyncState.__table__  # type: ignore[attr-defined]


# Statements built once (SQLAlchemy then reuses their compiled form).
_LAST = (
    select(_T.c.seq, _T.c.hash, _T.c.signature)
    .where(_T.c.kiosk_id == bindparam("kiosk_id"))
    .order_by(_T.c.seq.desc())
    .limit(1)
)
_INSERT = insert(_T)
_UPDATE_HEAD = update(_S).where(_S.c.key == bindparam("head_key")).values(value=bindparam("head"))
_INSERT_HEAD = insert(_S)


def canonical_payload(payload: dict[str, Any]) -> bytes:
    return canonical_json(payload)


def open_payload(cipher: FieldCipher, row: Any) -> tuple[str | None, dict[str, Any]]:
    """A stored row's payload nonce (``None`` in format 1) and payload, decrypted."""
    plain = cipher.decrypt_bytes(row.payload_enc, row.event_id.encode())
    if row.event_format == FORMAT_V2:
        return plain[:PAYLOAD_NONCE_BYTES].hex(), _loads(plain[PAYLOAD_NONCE_BYTES:])
    return None, _loads(plain)


def _loads(canonical: bytes) -> Any:
    """orjson reads the stored canonical JSON at a quarter of json's cost; what it
    refuses (an integer beyond 64 bits) the standard library reads as before."""
    try:
        return orjson.loads(canonical)
    except orjson.JSONDecodeError:
        return json.loads(canonical)


def event_from_row(cipher: FieldCipher, row: Any) -> SignedEvent:
    """A stored journal row (any kiosk's) as the signed event, payload decrypted."""
    nonce, payload = open_payload(cipher, row)
    return SignedEvent(
        event_id=row.event_id,
        kiosk_id=row.kiosk_id,
        seq=row.seq,
        occurred_at=row.occurred_at,
        operator=row.operator,
        event_type=row.event_type,
        payload=payload,
        prev_hash=row.prev_hash,
        hash=row.hash,
        signature=row.signature,
        event_format=row.event_format,
        payload_nonce=nonce,
        payload_digest=row.payload_digest,
        prev_signature=row.prev_signature,
    )


class Journal:
    """Appends and reads one kiosk's journal. Pass sessions in; keeps no connection."""

    def __init__(
        self, kiosk_id: str, keys: KioskKeys, cipher: FieldCipher, *, clock: Clock
    ) -> None:
        self.kiosk_id = kiosk_id
        self.clock = clock
        self._keys = keys
        self._cipher = cipher

    def append(
        self,
        session: Session,
        *,
        event_type: EventType,
        operator: str | None,
        payload: dict[str, Any],
        priority: int = PRIORITY_NORMAL,
        now: datetime | None = None,
        event_id: str | None = None,
    ) -> SignedEvent:
        """Sign and write the next event inside the caller's transaction. ``event_id``:
        only the recovery's replay gives one (the event keeps its id, so the central
        knows a block it received outside the chain: docs/sync.md)."""
        kind = str(event_type)  # stored and signed as the plain string
        operator = operator or None  # format 2 knows no empty operator: it is none
        if kind != EventType.CARD_BLOCKED:  # a block is never stopped (R9)
            refuse_while_diverged(session, self.kiosk_id)
        canonical = canonical_payload(payload)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": self.kiosk_id}
            )
        last = session.execute(_LAST, {"kiosk_id": self.kiosk_id}).first()
        seq, prev_hash, prev_signature = (
            (1, GENESIS_HASH, GENESIS_SIGNATURE)
            if last is None
            else (last[0] + 1, last[1], last[2])
        )
        event_id = event_id or str(uuid.uuid4())
        moment = format_timestamp(now or self.clock())
        event = SignedEvent.create(
            self._keys.signing_key,
            event_id=event_id,
            kiosk_id=self.kiosk_id,
            seq=seq,
            occurred_at=moment,
            operator=operator,
            event_type=kind,
            payload=json.loads(canonical),
            prev_hash=prev_hash,
            prev_signature=prev_signature,
            event_format=FORMAT_V2,
        )
        assert event.payload_nonce is not None
        stored = bytes.fromhex(event.payload_nonce) + canonical
        session.execute(
            _INSERT,
            {
                "event_id": event_id,
                "kiosk_id": self.kiosk_id,
                "seq": seq,
                "occurred_at": moment,
                "operator": operator,
                "event_type": kind,
                "payload_enc": self._cipher.encrypt_bytes(stored, event_id.encode()),
                "prev_hash": prev_hash,
                "hash": event.hash,
                "signature": event.signature,
                "event_format": FORMAT_V2,
                "payload_digest": event.payload_digest,
                "prev_signature": prev_signature,
                "sync_status": "pending",
                "sync_reason": None,
                "priority": priority,
            },
        )
        self._record_head(session, seq)
        # the type and sequence only: payloads may carry personal data
        log.info("journal %s seq %d: %s (%s)", self.kiosk_id, seq, kind, event_id)
        return event

    def public_key_bytes(self) -> bytes:
        """The kiosk's journal public key (what the central verifies its events with)."""
        return self._keys.public_key_bytes()

    def take_back(self, session: Session, events: list[SignedEvent]) -> None:
        """Write events the central holds of this kiosk's chain (a restored kiosk taking
        its own events back), as they were signed and marked accepted; the caller has
        verified them and their link to the journal's head. The recorded head follows."""
        for event in events:
            stored = canonical_payload(event.payload)
            if event.event_format == FORMAT_V2:  # the nonce first, as append stores it
                assert event.payload_nonce is not None  # from_dict requires it in format 2
                stored = bytes.fromhex(event.payload_nonce) + stored
            session.execute(
                _INSERT,
                {
                    "event_id": event.event_id,
                    "kiosk_id": self.kiosk_id,
                    "seq": event.seq,
                    "occurred_at": event.occurred_at,
                    "operator": event.operator,
                    "event_type": event.event_type,
                    "payload_enc": self._cipher.encrypt_bytes(stored, event.event_id.encode()),
                    "prev_hash": event.prev_hash,
                    "hash": event.hash,
                    "signature": event.signature,
                    "event_format": event.event_format,
                    "payload_digest": event.payload_digest,
                    "prev_signature": event.prev_signature,
                    "sync_status": "accepted",
                    "sync_reason": None,
                    "priority": (
                        PRIORITY_BLOCK
                        if event.event_type == EventType.CARD_BLOCKED
                        else PRIORITY_NORMAL
                    ),
                },
            )
        if events:
            self._record_head(session, max(event.seq for event in events))

    def take_out(self, session: Session, seqs: list[int]) -> list[tuple[SignedEvent, int]]:
        """Remove the events ``seqs`` (never answered by the central, to be written
        again after the central's: :meth:`append` with their content); returns each
        with its priority, in seq order."""
        rows = session.execute(
            select(_T).where(_T.c.kiosk_id == self.kiosk_id, _T.c.seq.in_(seqs)).order_by(_T.c.seq)
        ).all()
        taken = [(self._to_event(row), int(row.priority)) for row in rows]
        session.execute(delete(_T).where(_T.c.kiosk_id == self.kiosk_id, _T.c.seq.in_(seqs)))
        return taken

    def _record_head(self, session: Session, seq: int) -> None:
        key = head_state_key(self.kiosk_id)
        updated = session.execute(_UPDATE_HEAD, {"head_key": key, "head": str(seq)})
        if updated.rowcount == 0:  # type: ignore[attr-defined]
            session.execute(_INSERT_HEAD, {"key": key, "value": str(seq)})

    def _to_event(self, row: Any) -> SignedEvent:
        return event_from_row(self._cipher, row)

    def events(self, session: Session, since_seq: int = 0) -> Iterator[SignedEvent]:
        """Events with ``seq > since_seq`` in seq order."""
        rows = session.execute(
            select(_T)
            .where(_T.c.kiosk_id == self.kiosk_id, _T.c.seq > since_seq)
            .order_by(_T.c.seq)
            .execution_options(yield_per=1000)
        )
        for row in rows:
            yield self._to_event(row)

    def pending(self, session: Session, limit: int = 100) -> list[SignedEvent]:
        """Unsent events, block requests first, then in seq order."""
        return [event for event, _ in self.pending_from(session, limit)]

    def pending_from(
        self, session: Session, limit: int, after: PendingPlace | None = None
    ) -> list[tuple[SignedEvent, PendingPlace]]:
        """:meth:`pending` with each event's place in that order; with ``after``, only
        those placed after it (the next batch, read while one is in flight)."""
        query = select(_T).where(_T.c.kiosk_id == self.kiosk_id, _T.c.sync_status == "pending")
        if after is not None:
            priority, seq = after
            query = query.where(
                or_(_T.c.priority > priority, and_(_T.c.priority == priority, _T.c.seq > seq))
            )
        rows = session.execute(
            query.order_by(_T.c.priority, _T.c.seq).limit(limit)
        ).all()  # one fetchall, not a fetchone per row
        return [(self._to_event(row), (int(row.priority), int(row.seq))) for row in rows]

    def mark(
        self, session: Session, event_id: str, status: SyncStatus, reason: str | None = None
    ) -> None:
        """Record the central's answer for one event."""
        if status not in ("pending", "accepted", "rejected"):
            raise ValueError(f"unknown sync status {status!r}")
        session.execute(
            update(_T)
            .where(_T.c.event_id == event_id)
            .values(sync_status=status, sync_reason=reason)
        )

    def count(self, session: Session) -> int:
        return int(
            session.execute(
                select(func.count()).select_from(_T).where(_T.c.kiosk_id == self.kiosk_id)
            ).scalar_one()
        )

    def verify_chain(
        self,
        session: Session,
        *,
        workers: int | None = None,
        anchors: Sequence[tuple[int, str]] = (),
    ) -> AuditReport:
        """Audit this kiosk's chain with its public key (and the payloads with the field
        key); ``anchors`` are the central's verified checkpoints as (seq, hash)."""
        return verify_chain(
            session,
            kiosk_id=self.kiosk_id,
            cipher=self._cipher,
            public_key_bytes=self._keys.public_key_bytes(),
            workers=workers,
            anchors=anchors,
        )


def journal_kiosk_ids(session: Session) -> list[str]:
    """The kiosk ids that have events in this store (normally exactly one)."""
    return [
        str(value)
        for value in session.execute(select(_T.c.kiosk_id).distinct().order_by(_T.c.kiosk_id))
        .scalars()
        .all()
    ]


def audited_kiosk_ids(session: Session) -> list[str]:
    """The kiosk ids to audit: those with events here and those with a recorded journal
    head (whose rows may all have been deleted)."""
    return sorted({*journal_kiosk_ids(session), *recorded_head_kiosk_ids(session)})


def newest_entries(tx: Transaction, cipher: FieldCipher, *, limit: int) -> Iterator[JournalEntry]:
    """The newest ``limit`` events of every kiosk in this store, newest first, payloads
    decrypted (``None`` where a payload does not decrypt)."""
    rows = tx.exec(
        select_model(JournalRow).order_by(col(JournalRow.occurred_at).desc()).limit(limit)
    ).all()
    for row in rows:
        try:
            payload = open_payload(cipher, row)[1]
        except Exception:  # unreadable rows are the audit's business
            payload = None
        yield JournalEntry(
            event_id=row.event_id,
            occurred_at=row.occurred_at,
            event_type=row.event_type,
            operator=row.operator,
            payload=payload,
        )

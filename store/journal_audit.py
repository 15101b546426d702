"""Checking a kiosk's journal chain: every event hashes, links and carries the kiosk's
signature (``kiosk audit verify``, and the sync tests).

The chain itself is checked with the kiosk's public key only (``protocol.journal_chain``:
hashes recomputed without decrypting, the links, one signature at the head vouching for
the rest, format 1 signatures one by one, both cores for large chains). The kiosk's own
audit holds the field key too, so it also checks what a bundle cannot: each format 2
payload against its digest, and each format 1 hash over the decrypted plaintext. It
never uses the signing key.

The journal records its head (last seq) in ``sync_state`` under :func:`head_state_key`
as it writes, so deleting the newest rows is noticed too, and so is deleting them all:
a kiosk with a recorded head is audited even when none of its rows is left. The
central's checkpoints, when the caller has them, are ``anchors``: (seq, hash) pairs the
chain must hold, which also catch a history re-signed with the kiosk's key.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from protocol.chain_event import ChainProblem, ChainRecord
from protocol.journal_chain import RecordSource, check_chain
from store.crypto import FieldCipher
from store.database import sqlite_path
from store.errors import DecryptionFailedError
from store.models import JournalRow, SyncState
from store.state import get_state

PARALLEL_THRESHOLD = 20_000

_T = JournalRow.__table__  # type: ignore[attr-defined]
_S = SyncState.__table__  # type: ignore[attr-defined]

# the columns of a ChainRecord, in its order, then the encrypted payload
CHAIN_COLUMNS = (
    _T.c.seq,
    _T.c.event_format,
    _T.c.event_id,
    _T.c.kiosk_id,
    _T.c.occurred_at,
    _T.c.operator,
    _T.c.event_type,
    _T.c.payload_digest,
    _T.c.prev_hash,
    _T.c.prev_signature,
    _T.c.hash,
    _T.c.signature,
)


HEAD_STATE_PREFIX = "journal.head_seq."


def head_state_key(kiosk_id: str) -> str:
    """The ``sync_state`` key of the kiosk's journal head (its last seq)."""
    return f"{HEAD_STATE_PREFIX}{kiosk_id}"


def recorded_head_kiosk_ids(session: Session) -> list[str]:
    """The kiosk ids whose journal head is recorded: each has written events here, so
    an empty journal for one of them is a wiped journal, not a new one."""
    keys = session.execute(
        select(_S.c.key).where(_S.c.key.startswith(HEAD_STATE_PREFIX, autoescape=True))
    ).scalars()
    return sorted(str(key).removeprefix(HEAD_STATE_PREFIX) for key in keys)


def _recorded_head(value: str | None) -> int | None:
    """The recorded last seq (0 when none was recorded); ``None`` when it is not a number."""
    if value is None:
        return 0
    try:
        head = int(value)
    except ValueError:
        return None
    return head if head >= 0 else None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class _Parts(NamedTuple):
    """The hashed fields except ``seq``, with the payload as canonical JSON text."""

    event_id: str
    event_type: str
    kiosk_id: str
    occurred_at: str
    operator: str | None
    payload_json: str
    prev_hash: str


def _hash_parts(parts: _Parts, seq: int) -> str:
    """SHA-256 of the same bytes as ``event_format.canonical_bytes`` (sorted keys)."""
    data = (
        f'{{"event_id":{_dumps(parts.event_id)},"event_type":{_dumps(parts.event_type)},'
        f'"kiosk_id":{_dumps(parts.kiosk_id)},"occurred_at":{_dumps(parts.occurred_at)},'
        f'"operator":{_dumps(parts.operator)},"payload":{parts.payload_json},'
        f'"prev_hash":{_dumps(parts.prev_hash)},"seq":{seq}}}'
    )
    return hashlib.sha256(data.encode()).hexdigest()


@dataclass(frozen=True)
class AuditProblem:
    seq: int
    kind: str  # hash_mismatch | undecryptable | seq_gap | reordered | prev_hash_mismatch
    #            | bad_signature | missing_tail | head_unreadable | checkpoint_mismatch
    #            | wrong_kiosk | malformed | format_downgrade
    detail: str


@dataclass(frozen=True)
class AuditReport:
    kiosk_id: str
    events_checked: int
    head_seq: int
    problem: AuditProblem | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def rate(self) -> float:
        return self.events_checked / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        if self.problem is None:
            return (
                f"journal of {self.kiosk_id}: {self.events_checked} events checked, "
                f"chain and signatures valid (head seq {self.head_seq})"
            )
        return (
            f"journal of {self.kiosk_id}: FIRST BROKEN LINK at seq {self.problem.seq}: "
            f"{self.problem.kind}: {self.problem.detail} "
            f"({self.events_checked} events checked)"
        )


class _SqliteRanges:
    """The records ``[start, end)`` read from the SQLite file by the process that checks
    them: the forked workers each read their own range, so the parent holds no records
    to be copied into them. Each process opens its own read-only connection."""

    def __init__(self, path: Path, kiosk_id: str, *, with_payloads: bool) -> None:
        self._path = path
        self._kiosk_id = kiosk_id
        columns = ", ".join(column.name for column in CHAIN_COLUMNS)
        extra = ", payload_enc" if with_payloads else ""
        self._sql = (
            f"SELECT {columns}{extra} FROM journal WHERE kiosk_id = ? "  # noqa: S608 (names)
            "ORDER BY seq LIMIT ? OFFSET ?"
        )
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._blobs: dict[int, bytes] = {}

    def __call__(self, start: int, end: int) -> list[ChainRecord | None]:
        if self._connection is None or self._pid != os.getpid():
            self._connection = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True)
            self._pid = os.getpid()
        rows = self._connection.execute(self._sql, (self._kiosk_id, end - start, start)).fetchall()
        if rows and len(rows[0]) > len(CHAIN_COLUMNS):
            self._blobs = {start + offset: row[-1] for offset, row in enumerate(rows)}
        return [ChainRecord._make(row[: len(CHAIN_COLUMNS)]) for row in rows]

    def blob(self, index: int) -> bytes:
        return self._blobs[index]

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None


class _LocalPayloads:
    """The payload checks of the kiosk's own audit (it holds the field key)."""

    def __init__(self, cipher: FieldCipher, blob: Callable[[int], bytes]) -> None:
        self._cipher = cipher
        self._blob = blob

    def _plain(self, index: int, record: ChainRecord) -> bytes | ChainProblem:
        try:
            return self._cipher.decrypt_bytes(self._blob(index), record.event_id.encode())
        except DecryptionFailedError:
            detail = "the stored payload does not decrypt (row edited)"
            return ChainProblem(record.seq, "undecryptable", detail)

    def v2_problem(self, index: int, record: ChainRecord) -> ChainProblem | None:
        plain = self._plain(index, record)
        if isinstance(plain, ChainProblem):
            return plain
        if hashlib.sha256(plain).hexdigest() != record.payload_digest:
            detail = "the payload does not match the digest its hash covers (row edited)"
            return ChainProblem(record.seq, "hash_mismatch", detail)
        return None

    def v1_hash(self, index: int, record: ChainRecord, seq: int) -> str | ChainProblem:
        plain = self._plain(index, record)
        if isinstance(plain, ChainProblem):
            return plain
        try:
            payload_json = plain.decode("utf-8")
        except UnicodeDecodeError:
            detail = "the stored payload is not text (row edited)"
            return ChainProblem(record.seq, "undecryptable", detail)
        parts = _Parts(
            record.event_id,
            record.event_type,
            record.kiosk_id,
            record.occurred_at,
            record.operator,
            payload_json,
            record.prev_hash,
        )
        return _hash_parts(parts, seq)


def verify_chain(
    session: Session,
    *,
    kiosk_id: str,
    cipher: FieldCipher | None,
    public_key_bytes: bytes,
    workers: int | None = None,
    anchors: Sequence[tuple[int, str]] = (),
) -> AuditReport:
    """Check the whole chain of ``kiosk_id``; the report names the first broken link.
    Without ``cipher`` the payloads are not checked (public key only)."""
    started = time.perf_counter()
    path = sqlite_path(session.get_bind().engine.url.render_as_string(hide_password=False))
    count = int(session.execute(select(func.count()).where(_T.c.kiosk_id == kiosk_id)).scalar_one())
    reader: _SqliteRanges | None = None
    if path is not None and count >= PARALLEL_THRESHOLD and workers != 1:
        reader = _SqliteRanges(path, kiosk_id, with_payloads=cipher is not None)
        source: RecordSource = reader
        blob: Callable[[int], bytes] = reader.blob
    else:
        columns = (*CHAIN_COLUMNS, _T.c.payload_enc) if cipher is not None else CHAIN_COLUMNS
        rows = session.execute(
            select(*columns).where(_T.c.kiosk_id == kiosk_id).order_by(_T.c.seq)
        ).all()
        records = [ChainRecord(*row[:12]) for row in rows]
        count = len(records)
        blobs = [row[12] for row in rows] if cipher is not None else []
        source, blob = (lambda start, end: records[start:end]), blobs.__getitem__
    payloads = None if cipher is None else _LocalPayloads(cipher, blob)
    recorded_head = _recorded_head(get_state(session, head_state_key(kiosk_id)))
    try:
        report = check_chain(
            source,
            count,
            kiosk_id=kiosk_id,
            public_key=public_key_bytes,
            payloads=payloads,
            anchors=anchors,
            workers=workers,
            parallel_threshold=PARALLEL_THRESHOLD,
        )
        head = source(count - 1, count)[0] if count else None
    finally:
        if reader is not None:
            reader.close()
    problems: list[AuditProblem] = []
    if report.problem is not None:
        problems.append(
            AuditProblem(report.problem.seq, report.problem.kind, report.problem.detail)
        )
    if recorded_head is None:
        problems.append(
            AuditProblem(
                seq=0,
                kind="head_unreadable",
                detail="the recorded journal head is not a sequence number (state edited)",
            )
        )
    last_seq = head.seq if head is not None else 0
    if not problems and recorded_head is not None and recorded_head > last_seq:
        ends = f"ends at seq {last_seq}" if count else "is empty"
        problems.append(
            AuditProblem(
                seq=last_seq + 1,
                kind="missing_tail",
                detail=f"the journal {ends} but seq {recorded_head} was written "
                "(newest rows deleted)",
            )
        )
    first = min(problems, key=lambda p: p.seq) if problems else None
    checked = (
        report.events_checked
        if first is None
        else min(report.events_checked, max(0, first.seq - 1))
    )
    return AuditReport(
        kiosk_id=kiosk_id,
        events_checked=checked,
        head_seq=last_seq,
        problem=first,
        seconds=time.perf_counter() - started,
    )

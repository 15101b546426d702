"""Checking a kiosk's journal chain: every event hashes, links and carries the kiosk's
signature (``kiosk audit verify``, and the sync tests).

Design, measured on a 2-core machine. One Ed25519 verification costs about 86-105 µs
here: verifying 100,000 signatures on one core takes ~10 s, i.e. below the 10,000
events/s budget. So :func:`verify_chain` works in two passes:

1. Sequentially, in the calling process: read rows in seq order, decrypt each
   payload, rebuild the canonical bytes by string concatenation (the payload is
   stored canonical, so no JSON parse is needed) and recompute SHA-256; check seq
   continuity and ``prev_hash`` links. This is a few µs per event and finds edited,
   deleted and reordered rows.
2. Signatures. When the verifier holds the kiosk's private key (``kiosk audit
   verify`` does; it needs the field key anyway), each signature is checked by
   re-signing: Ed25519 (RFC 8032) is deterministic, so the stored signature equals
   ``sign(hash)`` exactly when it is the kiosk's signature; re-signing costs ~32 µs
   against ~100 µs for a verification. Any mismatch is confirmed with a real
   verification before it is reported (a valid but differently encoded signature
   would still be accepted). With only the public key, real verification is used.
   Large chains are split into a few big chunks checked by a process pool (one
   worker per core, ``fork`` start method), so the per-chunk overhead is
   negligible. Inside a multi-threaded process (the Textual app) pass
   ``workers=1``: forking a threaded process is unsafe.

The report names the lowest seq with a problem and what it is.

The journal records its head (last seq) in ``sync_state`` under :func:`head_state_key`
as it writes, so deleting the newest rows is noticed too, and so is deleting them all:
a kiosk with a recorded head is audited even when none of its rows is left.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol.event_format import GENESIS_HASH, sign_hash
from store.crypto import FieldCipher
from store.errors import DecryptionFailedError
from store.models import JournalRow, SyncState
from store.state import get_state

PARALLEL_THRESHOLD = 20_000
REORDER_SEARCH = 1000

_T = JournalRow.__table__  # type: ignore[attr-defined]
_S = SyncState.__table__  # type: ignore[attr-defined]


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
    #            | bad_signature | missing_tail | head_unreadable
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


_worker_signing: Ed25519PrivateKey | None = None
_worker_public: Ed25519PublicKey | None = None


def _init_worker(public_key_bytes: bytes, signing_key_bytes: bytes | None) -> None:
    global _worker_signing, _worker_public  # noqa: PLW0603 (per-process worker state)
    _worker_public = Ed25519PublicKey.from_public_bytes(public_key_bytes)
    _worker_signing = (
        Ed25519PrivateKey.from_private_bytes(signing_key_bytes) if signing_key_bytes else None
    )


def _check_chunk(chunk: Sequence[tuple[int, str, str]]) -> int | None:
    """The first seq in ``chunk`` whose signature is not the kiosk's, or ``None``."""
    public = _worker_public
    signer = _worker_signing
    assert public is not None
    for seq, hash_hex, signature_hex in chunk:
        if signer is not None and sign_hash(signer, hash_hex) == signature_hex:
            continue
        try:
            public.verify(bytes.fromhex(signature_hex), bytes.fromhex(hash_hex))
        except (InvalidSignature, ValueError):
            return seq
    return None


def _first_bad_signature(
    items: list[tuple[int, str, str]],
    public_key_bytes: bytes,
    signing_key_bytes: bytes | None,
    workers: int | None,
) -> int | None:
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(items) < PARALLEL_THRESHOLD:
        _init_worker(public_key_bytes, signing_key_bytes)
        return _check_chunk(items)
    size = -(-len(items) // count)
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=_init_worker,
        initargs=(public_key_bytes, signing_key_bytes),
    ) as pool:
        results = list(pool.map(_check_chunk, chunks))
    bad = [seq for seq in results if seq is not None]
    return min(bad) if bad else None


def verify_chain(
    session: Session,
    *,
    kiosk_id: str,
    cipher: FieldCipher,
    public_key_bytes: bytes,
    signing_key_bytes: bytes | None = None,
    workers: int | None = None,
) -> AuditReport:
    """Check the whole chain of ``kiosk_id``; the report names the first broken link."""
    started = time.perf_counter()
    rows = session.execute(
        select(
            _T.c.seq,
            _T.c.event_id,
            _T.c.occurred_at,
            _T.c.operator,
            _T.c.event_type,
            _T.c.payload_enc,
            _T.c.prev_hash,
            _T.c.hash,
            _T.c.signature,
        )
        .where(_T.c.kiosk_id == kiosk_id)
        .order_by(_T.c.seq)
    ).all()
    recorded_head = _recorded_head(get_state(session, head_state_key(kiosk_id)))

    problems: list[AuditProblem] = []
    if recorded_head is None:
        problems.append(
            AuditProblem(
                seq=0,
                kind="head_unreadable",
                detail="the recorded journal head is not a sequence number (state edited)",
            )
        )
    stored_hash_to_seq = {row[7]: row[0] for row in rows}
    expected_seq = 1
    prev_stored_hash = GENESIS_HASH
    signature_items: list[tuple[int, str, str]] = []
    for seq, event_id, occurred_at, operator, event_type, blob, prev_hash, digest, sig in rows:
        if seq != expected_seq:
            problems.append(
                AuditProblem(
                    seq=expected_seq,
                    kind="seq_gap",
                    detail=f"events {expected_seq}..{seq - 1} are missing (row deleted)",
                )
            )
            break
        try:
            payload_json = cipher.decrypt_bytes(blob, event_id.encode()).decode("utf-8")
        except (DecryptionFailedError, UnicodeDecodeError):
            problems.append(
                AuditProblem(
                    seq=seq,
                    kind="undecryptable",
                    detail="the stored payload does not decrypt (row edited)",
                )
            )
            break
        parts = _Parts(
            event_id, event_type, kiosk_id, occurred_at, operator, payload_json, prev_hash
        )
        if _hash_parts(parts, seq) != digest:
            original = _reordered_from(stored_hash_to_seq, parts, digest, seq)
            if original is not None and original != seq:
                problems.append(
                    AuditProblem(
                        seq=seq,
                        kind="reordered",
                        detail=f"the row at seq {seq} was written as seq {original} "
                        "(rows reordered)",
                    )
                )
            else:
                problems.append(
                    AuditProblem(
                        seq=seq,
                        kind="hash_mismatch",
                        detail="content does not match its hash (row edited)",
                    )
                )
            break
        if prev_hash != prev_stored_hash:
            problems.append(
                AuditProblem(
                    seq=seq,
                    kind="prev_hash_mismatch",
                    detail="prev_hash does not match the hash of the event before "
                    "(a row before it was deleted, replaced or reordered)",
                )
            )
            break
        signature_items.append((seq, digest, sig))
        prev_stored_hash = digest
        expected_seq += 1
    checked = len(signature_items)
    last_seq = rows[-1][0] if rows else 0
    if not problems and recorded_head is not None and recorded_head > last_seq:
        ends = f"ends at seq {last_seq}" if rows else "is empty"
        problems.append(
            AuditProblem(
                seq=last_seq + 1,
                kind="missing_tail",
                detail=f"the journal {ends} but seq {recorded_head} was written "
                "(newest rows deleted)",
            )
        )
    bad_sig = _first_bad_signature(signature_items, public_key_bytes, signing_key_bytes, workers)
    if bad_sig is not None:
        problems.append(
            AuditProblem(
                seq=bad_sig,
                kind="bad_signature",
                detail="the signature is not the kiosk's signature of the event hash",
            )
        )
    first = min(problems, key=lambda p: p.seq) if problems else None
    return AuditReport(
        kiosk_id=kiosk_id,
        events_checked=checked,
        head_seq=last_seq,
        problem=first,
        seconds=time.perf_counter() - started,
    )


def _reordered_from(
    stored_hash_to_seq: dict[str, int], parts: _Parts, digest: str, position: int
) -> int | None:
    """The seq this row was written with, when it now sits at another position.

    Only runs on the error path: tries the seq its ``prev_hash`` points after, then
    positions near the current one (a hash costs about 2 µs).
    """
    candidates: list[int] = []
    if parts.prev_hash == GENESIS_HASH:
        candidates.append(1)
    elif parts.prev_hash in stored_hash_to_seq:
        candidates.append(stored_hash_to_seq[parts.prev_hash] + 1)
    for distance in range(1, REORDER_SEARCH + 1):
        candidates.extend((position + distance, position - distance))
    for candidate in candidates:
        if candidate >= 1 and candidate != position and _hash_parts(parts, candidate) == digest:
            return candidate
    return None

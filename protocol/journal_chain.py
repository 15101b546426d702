"""Verifying a kiosk's journal chain with its public key only, fast.

The input is the chain as records (:class:`ChainRecord`: what is hashed, the hash and the
signature, never a payload), from the kiosk's database or from an exported bundle. Per
event the check is a few microseconds of plain work: recompute the hash of the canonical
lines (format 2, ``protocol.event_format``), compare the links to the event before (its
hash and its signature) and the seq. Then one Ed25519 verification at the head vouches
for all of it, because each format 2 hash covers the hash and the signature before it.
Only format 1 events (written before format 2) have their signatures checked one by one:
their hashes do not cover the signature before them.

A caller that holds the payloads passes a :class:`PayloadCheck`: format 2 payloads are
compared with their digests, and format 1 hashes (which cover the plaintext payload) are
recomputed. Without one (a bundle), format 1 content is counted as unchecked.

Large chains are split into ranges checked by one process per core (``fork``: the records
or the bundle lines are inherited, nothing is copied to the workers). Inside a
multi-threaded process (the Textual app) pass ``workers=1``: forking it is unsafe.

The report names the lowest seq with a problem; a problem ends the check.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from protocol.event_format import (
    FORMAT_V1,
    FORMAT_V2,
    GENESIS_HASH,
    GENESIS_SIGNATURE,
    V2_TAG,
    signed_message,
)

PARALLEL_THRESHOLD = 20_000
REORDER_SEARCH = 1000
V2_LINES = 10  # the tag and the nine hashed fields


class ChainRecord(NamedTuple):
    """One event as the chain check sees it (no payload)."""

    seq: int
    event_format: int
    event_id: str
    kiosk_id: str
    occurred_at: str
    operator: str | None
    event_type: str
    payload_digest: str | None
    prev_hash: str
    prev_signature: str | None
    hash: str
    signature: str


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    # seq_gap | hash_mismatch | reordered | prev_hash_mismatch | bad_signature | undecryptable
    # | wrong_kiosk | malformed | format_downgrade | missing_tail | checkpoint_mismatch
    kind: str
    detail: str


class PayloadCheck(Protocol):
    """What only a holder of the payloads can check (the kiosk's own audit)."""

    def v2_problem(self, index: int, record: ChainRecord) -> ChainProblem | None:
        """``None`` when the payload matches its digest."""

    def v1_hash(self, index: int, record: ChainRecord, seq: int) -> str | ChainProblem:
        """The format 1 hash of the record's content written as ``seq``."""


# A reader of the records ``[start, end)``; ``None`` where an entry is not a record.
RecordSource = Callable[[int, int], Sequence[ChainRecord | None]]


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    head_seq: int
    problem: ChainProblem | None
    content_unchecked: int  # format 1 events whose content needs the payloads
    signatures_checked: int


def v2_hash(record: ChainRecord, seq: int | None = None) -> str:
    """The format 2 hash of ``record`` (as if written as ``seq``); ``ValueError`` when a
    field would break the canonical lines."""
    operator = record.operator
    text = "\n".join(
        (
            V2_TAG,
            record.event_id,
            record.kiosk_id,
            str(record.seq if seq is None else seq),
            record.occurred_at,
            "" if operator is None else operator,
            record.event_type,
            record.payload_digest or "",
            record.prev_hash,
            record.prev_signature or "",
        )
    )
    if text.count("\n") != V2_LINES - 1 or operator == "":
        raise ValueError("a field holds a line break or the operator is empty")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def signature_valid(public: Ed25519PublicKey, record: ChainRecord) -> bool:
    try:
        message = signed_message(record.hash, record.event_format)
        public.verify(bytes.fromhex(record.signature), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class _Job:
    source: RecordSource
    kiosk_id: str
    public_key: bytes
    payloads: PayloadCheck | None


_job: _Job | None = None  # set before the workers fork; they inherit it


@dataclass(frozen=True)
class _RangeResult:
    problem: ChainProblem | None
    unchecked: int
    signatures: int


def _reordered_from(
    job: _Job, index: int, record: ChainRecord, hashes: dict[str, int]
) -> int | None:
    """The seq this record was written with, when it now sits at another position
    (error path only: tries the seq its ``prev_hash`` points after, then neighbours)."""
    position = index + 1
    candidates: list[int] = []
    if record.prev_hash == GENESIS_HASH:
        candidates.append(1)
    elif record.prev_hash in hashes:
        candidates.append(hashes[record.prev_hash] + 1)
    for distance in range(1, REORDER_SEARCH + 1):
        candidates.extend((position + distance, position - distance))
    for candidate in candidates:
        if candidate < 1 or candidate == position:
            continue
        if record.event_format == FORMAT_V2:
            again: str | ChainProblem = v2_hash(record, candidate)
        elif job.payloads is not None:
            again = job.payloads.v1_hash(index, record, candidate)
        else:
            return None
        if again == record.hash:
            return candidate
    return None


def _content_problem(
    job: _Job, index: int, record: ChainRecord, records: Sequence[ChainRecord | None]
) -> tuple[ChainProblem | None, bool]:
    """The record's content problem, and whether its content went unchecked."""
    seq = index + 1
    if record.event_format == FORMAT_V2:
        try:
            digest = v2_hash(record)
        except (ValueError, TypeError, AttributeError):
            return ChainProblem(seq, "malformed", "the event's fields are not well formed"), False
        if digest == record.hash and job.payloads is not None:
            return job.payloads.v2_problem(index, record), False
        checked = True
    elif job.payloads is None:
        return None, True
    else:
        computed = job.payloads.v1_hash(index, record, seq)
        if isinstance(computed, ChainProblem):
            return computed, False
        digest, checked = computed, True
    if checked and digest != record.hash:
        hashes = {r.hash: r.seq for r in records if r is not None}
        original = _reordered_from(job, index, record, hashes)
        if original is not None:
            return ChainProblem(
                seq,
                "reordered",
                f"the row at seq {seq} was written as seq {original} (rows reordered)",
            ), False
        return ChainProblem(seq, "hash_mismatch", "content does not match its hash"), False
    return None, False


def _check_one(
    job: _Job,
    index: int,
    record: ChainRecord | None,
    before: ChainRecord | None,
    *,
    records: Sequence[ChainRecord | None],
    public: Ed25519PublicKey,
) -> tuple[ChainProblem | None, bool, bool]:
    """(problem, content unchecked, signature checked) for the record at ``index``."""
    seq = index + 1
    if record is None:
        return ChainProblem(seq, "malformed", "not a journal event"), False, False
    if record.seq != seq:
        if record.seq > seq:
            detail = f"events {seq}..{record.seq - 1} are missing (deleted)"
        else:
            detail = "the sequence numbers do not follow each other"
        return ChainProblem(seq, "seq_gap", detail), False, False
    if record.kiosk_id != job.kiosk_id:
        return ChainProblem(seq, "wrong_kiosk", "the event is another kiosk's"), False, False
    if record.event_format not in (FORMAT_V1, FORMAT_V2):
        return ChainProblem(seq, "malformed", "unknown event format"), False, False
    if (
        record.event_format == FORMAT_V1
        and before is not None
        and (before.event_format == FORMAT_V2)
    ):
        detail = "a format 1 event after a format 2 event"
        return ChainProblem(seq, "format_downgrade", detail), False, False
    problem, unchecked = _content_problem(job, index, record, records)
    if problem is not None:
        return problem, unchecked, False
    if record.prev_hash != (GENESIS_HASH if before is None else before.hash):
        detail = "prev_hash does not match the hash of the event before (deleted or replaced)"
        return ChainProblem(seq, "prev_hash_mismatch", detail), unchecked, False
    if record.event_format == FORMAT_V2:
        expected = GENESIS_SIGNATURE if before is None else before.signature
        if record.prev_signature != expected:
            detail = "the signature differs from the one the next event was chained to"
            return ChainProblem(seq - 1, "bad_signature", detail), unchecked, False
        return None, unchecked, False
    if not signature_valid(public, record):
        detail = "the signature is not the kiosk's signature of the event hash"
        return ChainProblem(seq, "bad_signature", detail), unchecked, True
    return None, unchecked, True


def _check_range(bounds: tuple[int, int]) -> _RangeResult:
    job = _job
    assert job is not None
    start, end = bounds
    first = max(start - 1, 0)
    records = job.source(first, end)
    public = Ed25519PublicKey.from_public_bytes(job.public_key)
    unchecked = signatures = 0
    for index in range(start, end):
        record = records[index - first]
        before = records[index - first - 1] if index > 0 else None
        problem, not_checked, signed = _check_one(
            job, index, record, before, records=records, public=public
        )
        unchecked += not_checked
        signatures += signed
        if problem is not None:
            return _RangeResult(problem, unchecked, signatures)
    return _RangeResult(None, unchecked, signatures)


def _ranges(count: int, workers: int) -> list[tuple[int, int]]:
    size = -(-count // workers)
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _run_ranges(count: int, workers: int | None, threshold: int) -> list[_RangeResult]:
    processes = workers if workers is not None else (os.cpu_count() or 1)
    if processes <= 1 or count < threshold:
        return [_check_range((0, count))] if count else []
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        return list(pool.map(_check_range, _ranges(count, processes)))


def _first_bad_v2_signature(
    source: RecordSource, public: Ed25519PublicKey, low: int, high: int
) -> int:
    """The index of the first invalid signature among ``[low, high]``, whose last one is
    invalid: signatures are valid up to the first event someone without the key wrote."""
    while low < high:
        middle = (low + high) // 2
        record = source(middle, middle + 1)[0]
        if record is not None and signature_valid(public, record):
            low = middle + 1
        else:
            high = middle
    return low


def check_chain(
    source: RecordSource,
    count: int,
    *,
    kiosk_id: str,
    public_key: bytes,
    payloads: PayloadCheck | None = None,
    anchors: Sequence[tuple[int, str]] = (),
    workers: int | None = None,
    parallel_threshold: int = PARALLEL_THRESHOLD,
) -> ChainReport:
    """Check the ``count`` records of ``kiosk_id``'s chain. ``anchors`` are (seq, hash)
    pairs the chain must hold (the central's verified checkpoints)."""
    global _job  # noqa: PLW0603 (inherited by the forked workers)
    _job = _Job(source, kiosk_id, public_key, payloads)
    try:
        results = _run_ranges(count, workers, parallel_threshold)
    finally:
        _job = None
    problems = [r.problem for r in results if r.problem is not None]
    signatures = sum(r.signatures for r in results)
    public = Ed25519PublicKey.from_public_bytes(public_key)
    if not problems and count:
        head = source(count - 1, count)[0]
        assert head is not None
        if head.event_format == FORMAT_V2:
            signatures += 1
            if not signature_valid(public, head):
                first_v2 = _first_v2_index(source, count)
                bad = _first_bad_v2_signature(source, public, first_v2, count - 1)
                detail = "the signature is not the kiosk's signature of the event hash"
                problems.append(ChainProblem(bad + 1, "bad_signature", detail))
    if not problems:
        problems.extend(_anchor_problems(source, count, anchors))
    problem = min(problems, key=lambda p: p.seq) if problems else None
    checked = count if problem is None else max(0, min(count, problem.seq - 1))
    return ChainReport(
        events_checked=checked,
        head_seq=count,
        problem=problem,
        content_unchecked=sum(r.unchecked for r in results),
        signatures_checked=signatures,
    )


def _first_v2_index(source: RecordSource, count: int) -> int:
    """The index of the first format 2 record (format 1 comes only before format 2)."""
    low, high = 0, count - 1
    while low < high:
        middle = (low + high) // 2
        record = source(middle, middle + 1)[0]
        if record is not None and record.event_format == FORMAT_V2:
            high = middle
        else:
            low = middle + 1
    return low


def _anchor_problems(
    source: RecordSource, count: int, anchors: Sequence[tuple[int, str]]
) -> list[ChainProblem]:
    problems = []
    for seq, digest in anchors:
        if seq > count:
            ends = f"ends at seq {count}" if count else "is empty"
            detail = f"the journal {ends} but the central holds it up to seq {seq}"
            problems.append(ChainProblem(count + 1, "missing_tail", detail))
        elif seq >= 1:
            record = source(seq - 1, seq)[0]
            if record is None or record.hash != digest:
                detail = "the event differs from the one the central's checkpoint holds"
                problems.append(ChainProblem(seq, "checkpoint_mismatch", detail))
    return problems

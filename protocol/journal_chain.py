"""Verifying a kiosk's journal chain with its public key only, fast.

The input is the chain as records (``protocol.chain_event.ChainRecord``: what is
hashed, the hash and the signature, never a payload), from the kiosk's database or from
an exported bundle. Per event the check is a few microseconds of plain work: recompute
the hash of the canonical lines (format 2, ``protocol.event_format``), compare the links
to the event before (its hash and its signature) and the seq. Then one Ed25519
verification at the head vouches for all of it, because each format 2 hash covers the
hash and the signature before it. Only format 1 events (written before format 2) have
their signatures checked one by one: their hashes do not cover the signature before them.

A caller that holds the payloads passes a :class:`PayloadCheck`: format 2 payloads are
compared with their digests, and format 1 hashes (which cover the plaintext payload) are
recomputed. Without one (a bundle), format 1 content is counted as unchecked.

Large chains are split into ranges checked by one process per core (``fork``: the records
or the bundle lines are inherited, nothing is copied to the workers). Inside a
multi-threaded process (the Textual app) pass ``workers=1``: forking it is unsafe.

The report names the lowest seq with a problem; a problem ends the check.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from protocol.chain_event import (
    ChainProblem,
    ChainRecord,
    PayloadCheck,
    event_problem,
    plain_v2_link,
    signature_valid,
)
from protocol.event_format import FORMAT_V2

PARALLEL_THRESHOLD = 20_000


# A reader of the records ``[start, end)``; ``None`` where an entry is not a record.
RecordSource = Callable[[int, int], Sequence[ChainRecord | None]]


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    head_seq: int
    problem: ChainProblem | None
    content_unchecked: int  # format 1 events whose content needs the payloads
    signatures_checked: int


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


def _check_range(bounds: tuple[int, int]) -> _RangeResult:
    job = _job
    assert job is not None
    start, end = bounds
    first = max(start - 1, 0)
    records = job.source(first, end)
    public = Ed25519PublicKey.from_public_bytes(job.public_key)
    unchecked = signatures = 0
    payloads = job.payloads
    for index in range(start, end):
        record = records[index - first]
        before = records[index - first - 1] if index > 0 else None
        if (record is not None and plain_v2_link(record, before, index, job.kiosk_id)) and (
            payloads is None or payloads.v2_problem(index, record) is None
        ):
            continue
        problem, not_checked, signed = event_problem(
            index,
            record,
            before,
            records=records,
            public=public,
            kiosk_id=job.kiosk_id,
            payloads=payloads,
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
    parallel_threshold: int | None = None,
) -> ChainReport:
    """Check the ``count`` records of ``kiosk_id``'s chain. ``anchors`` are (seq, hash)
    pairs the chain must hold (the central's verified checkpoints)."""
    global _job  # noqa: PLW0603 (inherited by the forked workers)
    _job = _Job(source, kiosk_id, public_key, payloads)
    try:
        threshold = PARALLEL_THRESHOLD if parallel_threshold is None else parallel_threshold
        results = _run_ranges(count, workers, threshold)
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

"""The exported journal bundle: one file that anyone can verify with public keys alone.

A bundle is UTF-8 JSON Lines. The first line is the header::

    {"bundle": "kiosk-journal-bundle", "version": 1, "kiosk_id": ..., "event_count": N,
     "kiosk_public_key": hex, "central_public_key": hex or null, "checkpoints": [...]}

with the central's checkpoints as ``protocol.checkpoint_verify.CheckpointFields.to_dict``
and ``"event_fields"``, the names of an event line's entries. Each further line is one
event in seq order, a JSON array of those entries: what its hash covers (format 2: the
payload digest, never the payload), ``hash``, ``signature``, ``format`` and
``payload_enc`` (the payload as the kiosk stores it, AES-GCM encrypted, base64: no
personal data in clear). Arrays, not objects: they parse in half the time.

:func:`verify_bundle` checks the chain (``protocol.journal_chain``), each checkpoint's
signature with the central's key, and the chain against the checkpoints: a journal cut
behind a checkpoint, wiped, or rewritten (even re-signed with the kiosk's own key) up to
one is caught there. Keys given by the auditor (the kiosk's key as the central registered
it, the central's key) are pinned: a bundle carrying others is refused.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from protocol.chain_event import ChainProblem, ChainRecord
from protocol.checkpoint_verify import CheckpointFields, kiosk_key_problem
from protocol.journal_chain import check_chain

BUNDLE_TYPE = "kiosk-journal-bundle"
BUNDLE_VERSION = 1
EVENT_FIELDS = (*ChainRecord._fields, "payload_enc")
_RECORD_LENGTH = len(ChainRecord._fields)


class BundleFormatError(ValueError):
    """The file is not a journal bundle (the message names what, never a value)."""


def bundle_header(
    *,
    kiosk_id: str,
    event_count: int,
    kiosk_public_key: bytes,
    central_public_key: bytes | None,
    checkpoints: Sequence[CheckpointFields],
) -> dict[str, Any]:
    return {
        "bundle": BUNDLE_TYPE,
        "version": BUNDLE_VERSION,
        "kiosk_id": kiosk_id,
        "event_count": event_count,
        "kiosk_public_key": kiosk_public_key.hex(),
        "central_public_key": None if central_public_key is None else central_public_key.hex(),
        "checkpoints": [checkpoint.to_dict() for checkpoint in checkpoints],
        "event_fields": list(EVENT_FIELDS),
    }


def event_line(record: ChainRecord, payload_enc_b64: str) -> str:
    """One event's line of a bundle (its entries in the order of :data:`EVENT_FIELDS`)."""
    return json.dumps([*record, payload_enc_b64], ensure_ascii=False, separators=(",", ":"))


def parse_event_line(line: bytes) -> ChainRecord | None:
    """The record of one event line; ``None`` when it is not one (the chain check then
    names it; a field of the wrong type fails the hash or the links)."""
    try:
        entries = json.loads(line)
    except ValueError:
        return None
    if type(entries) is not list or len(entries) != _RECORD_LENGTH + 1:
        return None
    record = ChainRecord._make(entries[:_RECORD_LENGTH])
    if type(record.seq) is not int or type(record.hash) is not str:
        return None
    return record


@dataclass(frozen=True)
class BundleHeader:
    kiosk_id: str
    event_count: int
    kiosk_public_key: bytes
    central_public_key: bytes | None
    checkpoints: tuple[CheckpointFields, ...]


def _key(value: object, name: str) -> bytes:
    try:
        key = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        key = b""
    if len(key) != 32:
        raise BundleFormatError(f"the header's {name} is not an Ed25519 public key")
    return key


def parse_header(line: bytes) -> BundleHeader:
    try:
        data = json.loads(line)
    except ValueError:
        raise BundleFormatError("the first line is not JSON") from None
    if not isinstance(data, dict) or data.get("bundle") != BUNDLE_TYPE:
        raise BundleFormatError("the first line is not a journal bundle header")
    if data.get("version") != BUNDLE_VERSION:
        raise BundleFormatError("the bundle has an unknown version")
    if data.get("event_fields") != list(EVENT_FIELDS):
        raise BundleFormatError("the bundle's event lines have other entries")
    kiosk_id, count = data.get("kiosk_id"), data.get("event_count")
    if not isinstance(kiosk_id, str) or not isinstance(count, int):
        raise BundleFormatError("the header lacks the kiosk id or the event count")
    central = data.get("central_public_key")
    raw_checkpoints = data.get("checkpoints") or []
    if not isinstance(raw_checkpoints, list) or not all(
        isinstance(c, Mapping) for c in raw_checkpoints
    ):
        raise BundleFormatError("the header's checkpoints are not a list of objects")
    try:
        checkpoints = tuple(CheckpointFields.from_dict(c) for c in raw_checkpoints)
    except ValueError as exc:
        raise BundleFormatError(str(exc)) from None
    if checkpoints and central is None:
        raise BundleFormatError("the bundle has checkpoints but not the central's key")
    return BundleHeader(
        kiosk_id=kiosk_id,
        event_count=count,
        kiosk_public_key=_key(data.get("kiosk_public_key"), "kiosk_public_key"),
        central_public_key=None if central is None else _key(central, "central_public_key"),
        checkpoints=checkpoints,
    )


@dataclass(frozen=True)
class BundleReport:
    kiosk_id: str
    events_checked: int
    head_seq: int
    problem: ChainProblem | None
    checkpoints_checked: int
    content_unchecked: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def rate(self) -> float:
        return self.events_checked / self.seconds if self.seconds > 0 else 0.0


def checkpoint_problems(
    kiosk_id: str,
    checkpoints: Sequence[CheckpointFields],
    signer: bytes | None,
    pinned: bytes | None = None,
    *,
    events_key: bytes,
) -> list[ChainProblem]:
    """What is wrong with the central's checkpoints of ``kiosk_id``'s chain, signed (they
    say) by ``signer``; ``pinned`` is the central key the auditor trusts, ``events_key``
    the kiosk key the events are verified with, which a version 2 checkpoint names."""
    problems = []
    if pinned is not None and checkpoints and signer != pinned:
        detail = "the checkpoints are signed with another key than the central's given key"
        problems.append(ChainProblem(0, "wrong_central_key", detail))
    for checkpoint in checkpoints:
        if signer is None or checkpoint.kiosk_id != kiosk_id or not checkpoint.signature_ok(signer):
            detail = "the checkpoint is not the central's signature over this kiosk's chain"
            problems.append(ChainProblem(checkpoint.head_seq, "bad_checkpoint", detail))
        elif kiosk_key_problem(checkpoint.kiosk_key, events_key):
            detail = "the events are signed with another key than the one the central registered"
            problems.append(ChainProblem(1, "wrong_kiosk_key", detail))
    return problems


def verify_bundle(
    path: Path,
    *,
    kiosk_key: bytes | None = None,
    central_key: bytes | None = None,
    workers: int | None = None,
) -> BundleReport:
    """Verify the bundle at ``path`` with public keys only (``BundleFormatError`` when it
    is not a bundle). ``kiosk_key`` and ``central_key`` pin the keys the auditor trusts."""
    started = time.perf_counter()
    lines = path.read_bytes().splitlines()
    if not lines:
        raise BundleFormatError("the file is empty")
    header = parse_header(lines[0])
    events = lines[1:]
    problems = checkpoint_problems(
        header.kiosk_id,
        header.checkpoints,
        header.central_public_key,
        central_key,
        events_key=header.kiosk_public_key,
    )
    if kiosk_key is not None and header.kiosk_public_key != kiosk_key:
        detail = "the events are signed with another key than the kiosk's given key"
        problems.append(ChainProblem(0, "wrong_kiosk_key", detail))
    anchors = [(c.head_seq, c.head_hash) for c in header.checkpoints]
    report = check_chain(
        lambda start, end: [parse_event_line(line) for line in events[start:end]],
        len(events),
        kiosk_id=header.kiosk_id,
        public_key=header.kiosk_public_key,
        anchors=anchors,
        workers=workers,
    )
    if report.problem is not None:
        problems.append(report.problem)
    elif header.event_count > len(events):
        detail = f"the bundle holds {len(events)} of the {header.event_count} events it names"
        problems.append(ChainProblem(len(events) + 1, "missing_tail", detail))
    problem = min(problems, key=lambda p: p.seq) if problems else None
    return BundleReport(
        kiosk_id=header.kiosk_id,
        events_checked=report.events_checked
        if problem is None
        else min(report.events_checked, max(0, problem.seq - 1)),
        head_seq=report.head_seq,
        problem=problem,
        checkpoints_checked=len(header.checkpoints),
        content_unchecked=report.content_unchecked,
        seconds=time.perf_counter() - started,
    )

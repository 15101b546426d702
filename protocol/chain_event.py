"""One journal event as the chain check sees it, and the checks of one event.

``protocol.journal_chain`` runs these over a whole chain: :func:`plain_v2_link` is the
common case in one pass (a format 2 event where it belongs, linked to the one before);
anything else goes through :func:`event_problem`, which names what is wrong.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
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


def _reordered_from(
    payloads: PayloadCheck | None, index: int, record: ChainRecord, hashes: dict[str, int]
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
        elif payloads is not None:
            again = payloads.v1_hash(index, record, candidate)
        else:
            return None
        if again == record.hash:
            return candidate
    return None


def _content_problem(
    payloads: PayloadCheck | None,
    index: int,
    record: ChainRecord,
    records: Sequence[ChainRecord | None],
) -> tuple[ChainProblem | None, bool]:
    """The record's content problem, and whether its content went unchecked."""
    seq = index + 1
    if record.event_format == FORMAT_V2:
        try:
            digest = v2_hash(record)
        except (ValueError, TypeError, AttributeError):
            return ChainProblem(seq, "malformed", "the event's fields are not well formed"), False
        if digest == record.hash and payloads is not None:
            return payloads.v2_problem(index, record), False
        checked = True
    elif payloads is None:
        return None, True
    else:
        computed = payloads.v1_hash(index, record, seq)
        if isinstance(computed, ChainProblem):
            return computed, False
        digest, checked = computed, True
    if checked and digest != record.hash:
        hashes = {r.hash: r.seq for r in records if r is not None}
        original = _reordered_from(payloads, index, record, hashes)
        if original is not None:
            return ChainProblem(
                seq,
                "reordered",
                f"the row at seq {seq} was written as seq {original} (rows reordered)",
            ), False
        return ChainProblem(seq, "hash_mismatch", "content does not match its hash"), False
    return None, False


def event_problem(
    index: int,
    record: ChainRecord | None,
    before: ChainRecord | None,
    *,
    records: Sequence[ChainRecord | None],
    public: Ed25519PublicKey,
    kiosk_id: str,
    payloads: PayloadCheck | None,
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
    if record.kiosk_id != kiosk_id:
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
    problem, unchecked = _content_problem(payloads, index, record, records)
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


def plain_v2_link(
    record: ChainRecord, before: ChainRecord | None, index: int, kiosk_id: str
) -> bool:
    """The common case in one pass: a format 2 record at its place, of its kiosk, whose
    hash recomputes and that links to the record before. Anything else (False) goes the
    slow way, which names the problem."""
    seq, event_format, event_id, kiosk, occurred_at, operator, event_type, digest = record[:8]
    prev_hash, prev_signature, stored_hash = record[8:11]
    if before is None:
        if index != 0:
            return False
        link_hash, link_signature = GENESIS_HASH, GENESIS_SIGNATURE
    else:
        if before[1] != FORMAT_V2:
            return False
        link_hash, link_signature = before[10], before[11]
    if (
        event_format != FORMAT_V2
        or seq != index + 1
        or kiosk != kiosk_id
        or prev_hash != link_hash
        or prev_signature != link_signature
        or operator == ""
    ):
        return False
    try:
        text = "\n".join(
            (
                V2_TAG,
                event_id,
                kiosk,
                str(seq),
                occurred_at,
                operator or "",
                event_type,
                digest or "",
                prev_hash,
                prev_signature,
            )
        )
    except TypeError:
        return False
    return text.count("\n") == V2_LINES - 1 and (
        hashlib.sha256(text.encode("utf-8")).hexdigest() == stored_hash
    )

"""The checks of a pushed batch that need no database: shape, kiosk, hash and signature
(a run of linked format 2 events by the signature at its end: ``central.chain_signatures``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from central.chain_signatures import unsigned_events
from protocol.event_format import SignedEvent
from protocol.wire import EventResult, InvalidReason, PushStatus


@dataclass
class Pending:
    """A verified event waiting for its decision inside the batch transaction."""

    index: int
    event: SignedEvent
    canonical_payload: bytes  # hashed (format 2) and sealed: encoded once


def verify_batch(
    kiosk_id: str, public_key: bytes, raw_events: Sequence[Mapping[str, Any]]
) -> tuple[list[EventResult | None], list[Pending]]:
    """The answers decided without the database (by index, None for the rest) and the
    events that passed, in batch order."""
    results: list[EventResult | None] = [None] * len(raw_events)
    verified: list[Pending] = []
    for index, raw in enumerate(raw_events):
        try:
            event = SignedEvent.from_dict(raw)
        except ValueError:
            results[index] = EventResult(
                str(raw.get("event_id", "")),
                _int(raw.get("seq")),
                PushStatus.INVALID,
                InvalidReason.MALFORMED_EVENT,
            )
            continue
        if event.kiosk_id != kiosk_id:
            results[index] = invalid(event, InvalidReason.WRONG_KIOSK)
            continue
        canonical = event.verified_payload()
        if canonical is None:
            results[index] = invalid(event, InvalidReason.HASH_MISMATCH)
        else:
            verified.append(Pending(index, event, canonical))
    unsigned = unsigned_events([(p.index, p.event) for p in verified], public_key)
    for p in verified:
        if p.index in unsigned:
            results[p.index] = invalid(p.event, InvalidReason.BAD_SIGNATURE)
    return results, [p for p in verified if p.index not in unsigned]


def invalid(event: SignedEvent, reason: InvalidReason) -> EventResult:
    return EventResult(event.event_id, event.seq, PushStatus.INVALID, reason)


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return 0

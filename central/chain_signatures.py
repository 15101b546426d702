"""Which events of a pushed batch carry no valid kiosk signature, checking few signatures.

A format 2 event's hash covers the hash and the signature of the event before it
(``protocol.event_format``), so in a run of format 2 events that link to each other in
the batch (seq, prev_hash and prev_signature), one valid signature at the run's end
vouches for every event of the run: their hashes were recomputed already. A run whose
last signature fails is checked event by event; format 1 events and events outside a
run are checked one by one. A batch of 1,000 linked events costs one Ed25519
verification instead of 1,000.
"""

from __future__ import annotations

from collections.abc import Sequence

from protocol.event_format import FORMAT_V2, SignedEvent


def _links(before: SignedEvent, after: SignedEvent) -> bool:
    return (
        before.event_format == FORMAT_V2
        and after.event_format == FORMAT_V2
        and after.seq == before.seq + 1
        and after.prev_hash == before.hash
        and after.prev_signature == before.signature
    )


def unsigned_events(events: Sequence[tuple[int, SignedEvent]], public_key: bytes) -> set[int]:
    """The indices (the first of each pair) of the events whose hashes checked but that
    no valid kiosk signature vouches for."""
    ordered = sorted(events, key=lambda item: item[1].seq)
    bad: set[int] = set()
    run: list[tuple[int, SignedEvent]] = []
    for item in ordered:
        if run and not _links(run[-1][1], item[1]):
            bad |= _run_problems(run, public_key)
            run = []
        run.append(item)
    if run:
        bad |= _run_problems(run, public_key)
    return bad


def _run_problems(run: list[tuple[int, SignedEvent]], public_key: bytes) -> set[int]:
    if run[-1][1].signature_ok(public_key):
        return set()
    return {index for index, event in run if not event.signature_ok(public_key)}

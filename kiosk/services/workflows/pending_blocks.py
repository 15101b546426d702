"""Blocks the central has not acknowledged yet, for the clerk (R9): each with its card,
when it was made, how long it has waited, and why it is still waiting (the kiosk is
offline, sync has failed since a given time, or it is on its way).

Reads :meth:`store.sync.SyncClient.pending_blocks` and the sync status (read-only) and
adds the card from the journal. No personal data: the card serial at most.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from clock import LOCAL_ZONE, Clock
from kiosk.receipts.facts import event_card_serial
from kiosk.services.status import format_age, format_since
from protocol.event_format import parse_timestamp
from store.database import Store
from store.journal_reads import load_event


class PendingBlockSource(Protocol):
    def pending_blocks(self, limit: int = 100) -> list[Any]: ...

    def status(self) -> Any: ...


@dataclass(frozen=True)
class PendingBlockLine:
    event_id: str
    event_type: str
    serial: str | None
    occurred_at: dt.datetime  # local time (Europe/Stockholm)
    age: str  # compact, as the status bar shows it: 45s, 12m, 3h, 2d


@dataclass(frozen=True)
class PendingBlocksView:
    """The waiting blocks, oldest first, and why they wait: ``state`` is ``offline`` (no
    connection to the central), ``failing`` (sync rounds fail since ``since``) or
    ``sending`` (online: the next round takes them)."""

    lines: tuple[PendingBlockLine, ...]
    state: str
    since: str | None = None


class PendingBlocks:
    def __init__(self, source: PendingBlockSource, store: Store, clock: Clock) -> None:
        self._source = source
        self._store = store
        self._clock = clock

    def view(self, limit: int = 100) -> PendingBlocksView:
        now = self._clock()
        status = self._source.status()
        since = format_since(status.failing_since, now)
        state = "failing" if since else ("sending" if status.online else "offline")
        blocks = self._source.pending_blocks(limit)
        lines: list[PendingBlockLine] = []
        with self._store.unit_of_work() as tx:
            for block in blocks:
                stored = load_event(tx, self._store.cipher, str(block.event_id))
                at = parse_timestamp(str(block.occurred_at))
                lines.append(
                    PendingBlockLine(
                        event_id=str(block.event_id),
                        event_type=str(block.event_type),
                        serial=event_card_serial(stored.event.payload) if stored else None,
                        occurred_at=at.astimezone(LOCAL_ZONE),
                        age=format_age(max(0.0, (now - at).total_seconds())),
                    )
                )
        return PendingBlocksView(tuple(lines), state, since)

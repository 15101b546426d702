"""The figures of the status bar that come from the store and the sync outbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from clock import LOCAL_ZONE, local_date


@dataclass(frozen=True)
class SyncFigures:
    online: bool
    waiting_events: int
    waiting_blocks: int
    oldest_block_age_seconds: float | None
    # sync rounds end on an error since then: local "HH:MM", or the date when not today
    failing_since: str | None = None
    # the journal does not match the central's: only card blocks are recorded (R9)
    journal_diverged: bool = False
    # blocks the central accepted outside the diverged chain: the cards are blocked there
    blocks_outside_chain: int = 0


class SyncFiguresSource(Protocol):
    def figures(self) -> SyncFigures: ...


OFFLINE = SyncFigures(
    online=False, waiting_events=0, waiting_blocks=0, oldest_block_age_seconds=None
)


class StatusService:
    """Reads the sync figures; a failing source shows as offline rather than crash."""

    def __init__(self, source: SyncFiguresSource | None) -> None:
        self._source = source

    def figures(self) -> SyncFigures:
        if self._source is None:
            return OFFLINE
        try:
            return self._source.figures()
        except Exception:  # a broken outbox must not take the status bar down
            return OFFLINE


def format_since(moment: dt.datetime | None, now: dt.datetime) -> str | None:
    """When something began, for the status bar: ``14:05`` today, else ``2026-11-30``."""
    if moment is None:
        return None
    local = moment.astimezone(LOCAL_ZONE)
    if local.date() != local_date(now):
        return local.date().isoformat()
    return local.strftime("%H:%M")


def format_age(seconds: float | None) -> str:
    """Compact age for the status bar: 45s, 12m, 3h, 2d."""
    if seconds is None:
        return "-"
    value = int(seconds)
    if value < 60:
        return f"{value}s"
    if value < 3600:
        return f"{value // 60}m"
    if value < 86400:
        return f"{value // 3600}h"
    return f"{value // 86400}d"


@dataclass(frozen=True)
class StatusSnapshot:
    """Everything the status bar shows, as plain values (no personal data but the operator)."""

    office: str
    operator: str | None = None
    role: str | None = None
    blocking_only: bool = False  # the operator's login is limited to blocking cards
    operator_reader: str = "unknown"  # "card" | "empty" | "missing" | "unknown"
    customer_reader: str = "unknown"
    scanner: str = "unknown"  # "ok" | "missing" | "unknown"
    figures: SyncFigures = OFFLINE

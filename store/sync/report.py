"""What a sync round did and what the status bar shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from store.sync.errors import SyncError


@dataclass(frozen=True)
class Rejection:
    event_id: str
    seq: int
    event_type: str
    reason: str


@dataclass(frozen=True)
class PendingBlock:
    """A block the central has not acknowledged yet (still in the outbox)."""

    event_id: str
    seq: int
    event_type: str
    occurred_at: str  # the event's own timestamp (ISO 8601, UTC)


@dataclass
class RoundReport:
    """What one sync round did (``kiosk sync`` prints it)."""

    online: bool = False
    pushed: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    resent: int = 0
    pulled: int = 0
    quarantined: int = 0  # pulled changes set aside (store.sync.quarantine)
    cursor: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    error: SyncError | None = None
    failed: bool = False  # the round ended on an error (store.sync.worker)
    diverged: bool = False  # the journal does not match the central's (store.sync.chain_guard)
    blocks_outside_chain: int = 0  # blocks the central accepted outside the chain (R9)

    def lines(self) -> list[str]:
        if not self.online:
            return ["offline: the central could not be reached; nothing was lost"]
        out = [
            f"pushed {self.pushed} events: {self.accepted} accepted, {self.rejected} rejected"
            f" ({self.duplicates} already known, {self.resent} resent)",
            f"pulled {self.pulled} changes (cursor {self.cursor})",
        ]
        if self.diverged:
            out.append(
                "journal diverged from the central: nothing but blocks is recorded or pushed"
            )
        if self.blocks_outside_chain:
            out.append(f"{self.blocks_outside_chain} blocks reached the central outside the chain")
        if self.quarantined:
            out.append(f"set aside {self.quarantined} pulled changes that could not be applied")
        out += [f"rejected seq {r.seq} {r.event_type}: {r.reason}" for r in self.rejections]
        return out


@dataclass(frozen=True)
class SyncStatus:
    """The status bar's figures."""

    online: bool
    waiting_events: int
    waiting_blocks: int
    oldest_waiting_seconds: float | None
    oldest_block_seconds: float | None
    last_success: str | None
    failing_since: datetime | None = None  # rounds have ended on an error since then
    journal_diverged: bool = False  # only card blocks are recorded (store.checkpoints)
    # pending blocks the central accepted outside the diverged chain (not in waiting_blocks)
    blocks_outside_chain: int = 0

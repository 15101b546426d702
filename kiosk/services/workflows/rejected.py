"""Events the central rejected, for the clerk to act on: rejected events come back
to the kiosk and are shown to the clerk.

Reads :meth:`store.sync.SyncClient.rejected_events` (read-only) and adds, from the
journal, when the event happened and which card it was about, so the clerk can act (for
example: a card activated offline that was blocked centrally meanwhile). The central's
reason is free text; the known ones map to catalogue keys (``ui.rejected.reason.*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.receipts.facts import event_card_serial
from protocol.wire import InvalidReason, RejectReason
from store.database import Store
from store.journal_reads import load_event

#: The central's reasons (``protocol.wire``) and their catalogue keys.
REASON_KEYS: dict[str, str] = {
    RejectReason.CARD_BLOCKED: "ui.rejected.reason.card_blocked",
    RejectReason.OPERATOR_NOT_ON_ROSTER: "ui.rejected.reason.not_on_roster",
    RejectReason.OPERATOR_LACKS_ROLE: "ui.rejected.reason.role",
    RejectReason.OPERATOR_MISSING: "ui.rejected.reason.operator_missing",
    RejectReason.OPERATOR_OTHER_OFFICE: "ui.rejected.reason.other_office",
    RejectReason.MALFORMED_PAYLOAD: "ui.rejected.reason.malformed_payload",
    InvalidReason.WRONG_KIOSK: "ui.rejected.reason.wrong_kiosk",
    InvalidReason.HASH_MISMATCH: "ui.rejected.reason.hash_mismatch",
    InvalidReason.BAD_SIGNATURE: "ui.rejected.reason.bad_signature",
}
OTHER_REASON_KEY = "ui.rejected.reason.other"
INVALID_PREFIX = "invalid: "


QUARANTINED_REASON_KEY = "ui.rejected.reason.quarantined"
PULLED_PREFIX = "pull."  # event_type of a quarantined pulled change: pull.<entity>


class RejectionSource(Protocol):
    def rejected_events(self, limit: int = 100) -> list[Any]: ...


class QuarantineSource(Protocol):
    def quarantined_changes(self, limit: int = 100) -> list[Any]: ...


@dataclass(frozen=True)
class RejectedLine:
    """One rejected event (no personal data: the card serial at most)."""

    event_id: str
    seq: int
    event_type: str
    reason: str  # as the central said it
    reason_key: str  # catalogue key (OTHER_REASON_KEY: show ``reason`` as it is)
    serial: str | None = None
    occurred_at: str | None = None


def reason_key(reason: str) -> str:
    text = reason.removeprefix(INVALID_PREFIX).strip().lower()
    return REASON_KEYS.get(text, OTHER_REASON_KEY)


class RejectedEvents:
    """The rejected events of this kiosk, newest first."""

    def __init__(self, source: RejectionSource, store: Store) -> None:
        self._source = source
        self._store = store

    def lines(self, limit: int = 100) -> tuple[RejectedLine, ...]:
        """The rejected events, newest first, then the pulled changes the kiosk set
        aside (``store.sync.quarantine``), newest first."""
        return self._rejected(limit) + self._quarantined(limit)

    def _quarantined(self, limit: int) -> tuple[RejectedLine, ...]:
        if not hasattr(self._source, "quarantined_changes"):
            return ()
        source: QuarantineSource = self._source  # type: ignore[assignment]
        return tuple(
            RejectedLine(
                event_id=f"{PULLED_PREFIX}{item.entity}:{item.change_id}",
                seq=int(item.change_id),
                event_type=f"{PULLED_PREFIX}{item.entity}",
                reason=str(item.reason),
                reason_key=QUARANTINED_REASON_KEY,
                serial=str(item.key) if item.entity == "card" else None,
            )
            for item in source.quarantined_changes(limit)
        )

    def _rejected(self, limit: int) -> tuple[RejectedLine, ...]:
        rejections = self._source.rejected_events(limit)
        if not rejections:
            return ()
        out: list[RejectedLine] = []
        with self._store.unit_of_work() as tx:
            for item in rejections:
                stored = load_event(tx, self._store.cipher, str(item.event_id))
                serial = event_card_serial(stored.event.payload) if stored else None
                out.append(
                    RejectedLine(
                        event_id=str(item.event_id),
                        seq=int(item.seq),
                        event_type=str(item.event_type),
                        reason=str(item.reason),
                        reason_key=reason_key(str(item.reason)),
                        serial=serial,
                        occurred_at=stored.event.occurred_at if stored else None,
                    )
                )
        return tuple(out)

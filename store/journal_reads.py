"""Reading single events and one day's events from the journal (receipts, day report).

``store.journal.Journal`` reads a kiosk's chain in order; receipts need single events by
id, and the day report needs one day's events with their sync state, without decrypting
years of history. These helpers read the journal table with fixed statements and decrypt
only the rows returned (same encryption as ``Journal.append``: AES-GCM, aad = event id).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from protocol.event_format import SignedEvent
from protocol.event_types import EventType
from store.crypto import FieldCipher
from store.database import Transaction
from store.journal import event_from_row
from store.models import JournalRow

_T = JournalRow.__table__  # type: ignore[attr-defined]

SIGNATURE_EVENT = EventType.RECEIPT_SIGNED


@dataclass(frozen=True)
class StoredEvent:
    """A journal event and what the central answered about it."""

    event: SignedEvent
    sync_status: str
    sync_reason: str | None


def load_event(tx: Transaction, cipher: FieldCipher, event_id: str) -> StoredEvent | None:
    row = tx.execute(select(_T).where(_T.c.event_id == event_id)).first()
    if row is None:
        return None
    return StoredEvent(event_from_row(cipher, row), row.sync_status, row.sync_reason)


def events_between(
    tx: Transaction, cipher: FieldCipher, start: str, end: str
) -> Iterator[StoredEvent]:
    """Events with ``start <= occurred_at < end`` (journal timestamps compare as text)."""
    rows = tx.execute(
        select(_T)
        .where(_T.c.occurred_at >= start, _T.c.occurred_at < end)
        .order_by(_T.c.kiosk_id, _T.c.seq)
        .execution_options(yield_per=2000)
    )
    for row in rows:
        yield StoredEvent(event_from_row(cipher, row), row.sync_status, row.sync_reason)


def recorded_signatures(
    tx: Transaction, cipher: FieldCipher, event_id: str
) -> list[dict[str, Any]]:
    """Payloads of the ``receipt.signed`` events recorded for ``event_id``, oldest first."""
    rows = tx.execute(
        select(_T).where(_T.c.event_type == SIGNATURE_EVENT).order_by(_T.c.kiosk_id, _T.c.seq)
    )
    found = []
    for row in rows:
        payload = event_from_row(cipher, row).payload
        if payload.get("event_id") == event_id:
            found.append(payload)
    return found


def unaccepted_before(
    tx: Transaction, cipher: FieldCipher, event_type: str, before: str
) -> Iterator[StoredEvent]:
    """Events of ``event_type`` before ``before`` that the central has not accepted."""
    rows = tx.execute(
        select(_T)
        .where(
            _T.c.event_type == event_type,
            _T.c.sync_status != "accepted",
            _T.c.occurred_at < before,
        )
        .order_by(_T.c.occurred_at, _T.c.kiosk_id, _T.c.seq)
    )
    for row in rows:
        yield StoredEvent(event_from_row(cipher, row), row.sync_status, row.sync_reason)

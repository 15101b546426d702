"""Records finished identity checks in the local store, each with its journal event.

The document number is kept only as the keyed hash the identity service computed; the
clerk's reason for a soft mismatch goes into the journal payload, which the store
encrypts at rest.
"""

from __future__ import annotations

import uuid

from kiosk.services.identity import IdentityCheckRecord
from protocol.event_types import EventType
from store.database import Store
from store.identity_checks import add_identity_check
from store.journal import Journal

EVENT_TYPE = EventType.IDENTITY_CHECKED


class StoreIdentityRecorder:
    """``IdentityCheckRecorder`` over the encrypted store: row and event in one transaction."""

    def __init__(self, store: Store, journal: Journal) -> None:
        self._store = store
        self._journal = journal

    def record(self, record: IdentityCheckRecord) -> str:
        check_id = str(uuid.uuid4())
        with self._store.unit_of_work() as tx:
            event = self._journal.append(
                tx,
                event_type=EVENT_TYPE,
                operator=record.operator,
                payload={
                    "check_id": check_id,
                    "holder_id": record.holder_id,
                    "task": record.purpose,  # the journal's name for the purpose
                    "document_kind": record.kind,
                    "issuing_state": record.issuing_state,
                    "document_number_hash": record.document_number_hash,
                    "expiry": record.expiry_date.isoformat() if record.expiry_date else None,
                    "result": record.result.value,
                    "verdict": record.verdict.value,
                    "photo_matches": record.photo_matches,
                    "reason": record.reason,
                },
                now=record.checked_at,
            )
            # The identity_checks table keeps the checks tied to a holder on record; a
            # document shown for nobody on record lives in the journal alone.
            if record.holder_id is not None and record.expiry_date is not None:
                add_identity_check(
                    tx,
                    check_id=check_id,
                    holder_id=record.holder_id,
                    document_kind=record.kind or "unknown",
                    issuing_state=record.issuing_state,
                    document_number_hash=bytes.fromhex(record.document_number_hash),
                    expiry=record.expiry_date,
                    result=record.result.value,
                    operator=record.operator,
                    checked_at=record.checked_at,
                    journal_event_id=event.event_id,
                )
        return event.event_id

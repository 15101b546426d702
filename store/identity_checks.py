"""Finished identity checks on record, inside the caller's unit of work."""

from __future__ import annotations

from datetime import date, datetime

from store.database import Transaction
from store.models import IdentityCheck


def add_identity_check(
    tx: Transaction,
    *,
    check_id: str,
    holder_id: str,
    document_kind: str,
    issuing_state: str,
    document_number_hash: bytes,
    expiry: date,
    result: str,
    operator: str,
    checked_at: datetime,
    journal_event_id: str,
) -> None:
    """One identity check of a holder on record, tied to the journal event that tells it."""
    tx.add(
        IdentityCheck(
            id=check_id,
            holder_id=holder_id,
            document_kind=document_kind,
            issuing_state=issuing_state,
            document_number_hash=document_number_hash,
            expiry=expiry,
            result=result,
            operator=operator,
            checked_at=checked_at,
            journal_event_id=journal_event_id,
        )
    )

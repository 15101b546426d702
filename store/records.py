"""The plain records that leave the store: frozen, detached from any transaction.

The store's data functions (``store.cards``, ``store.deadlines``, ``store.holders``,
``store.lookup``) return these; services never see an ORM row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, repr=False)
class HolderRecord:
    id: str
    personnummer: str
    name: str
    hsa_id: str | None
    organisation: str

    def __repr__(self) -> str:  # no personal data in logs
        return f"HolderRecord(id={self.id!r})"


@dataclass(frozen=True)
class CardRecord:
    serial: str
    holder_id: str
    product_number: str | None
    state: str
    shipment_method: str
    rek_id: str | None
    photo_office_id: str | None
    photo_date: date | None
    order_date: date
    with_photo: bool
    sis_marked: bool
    assurance_level: str | None
    is_reserve: bool
    has_signing_cert: bool
    replaced_by_serial: str | None
    blocked_reason: str | None
    updated_at: datetime
    holder_chosen_code: bool = False


@dataclass(frozen=True, repr=False)
class OperatorRecord:
    hsa_id: str
    role: str
    cert_fingerprint: str
    name: str
    office_id: str
    active: bool

    def __repr__(self) -> str:
        return f"OperatorRecord(hsa_id={self.hsa_id!r}, role={self.role!r})"


@dataclass(frozen=True)
class DeadlineRecord:
    id: str
    card_serial: str
    kind: str
    due_date: date
    reason: str | None
    kept: bool
    resolved: bool


@dataclass(frozen=True, repr=False)
class HolderIdentity:
    """Who a holder is, for a journal payload: the name and personnummer are ``None``
    when they do not decrypt (a row written by another path)."""

    id: str
    hsa_id: str | None
    name: str | None
    personnummer: str | None

    def __repr__(self) -> str:  # no personal data in logs
        return f"HolderIdentity(id={self.id!r})"


@dataclass(frozen=True, repr=False)
class JournalEntry:
    """One stored journal event as read back: ``payload`` is ``None`` when it does not
    decrypt here (unreadable rows are the audit's business)."""

    event_id: str
    occurred_at: str
    event_type: str
    operator: str | None
    payload: dict[str, Any] | None

    def __repr__(self) -> str:  # payloads may carry personal data
        return f"JournalEntry(event_id={self.event_id!r}, event_type={self.event_type!r})"


@dataclass(frozen=True)
class OrderRecord:
    """A card order; ``card_serial`` is the card number once the card is produced."""

    order_id: str
    holder_id: str
    office_id: str
    photo_office_id: str | None
    photo_date: date | None
    order_date: date
    card_kind: str
    delivery: str
    state: str
    rek_id: str | None
    card_serial: str | None
    photo_digest: str | None
    replaces_serial: str | None
    replaces_order_id: str | None
    updated_at: datetime

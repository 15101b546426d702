"""Card and office data inside a unit of work: typed functions that return records.

Every function takes the caller's :data:`~store.database.Transaction`, so a workflow's
state change and the journal event that records it commit (or roll back) together.
Changes go through the session's identity map: reading a card and then changing it in
the same transaction costs one query.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime

from store.database import Transaction
from store.models import Card, Office
from store.records import CardRecord


def _record(row: Card) -> CardRecord:
    return CardRecord(
        serial=row.serial,
        holder_id=row.holder_id,
        product_number=row.product_number,
        state=row.state,
        shipment_method=row.shipment_method,
        rek_id=row.rek_id,
        photo_office_id=row.photo_office_id,
        photo_date=row.photo_date,
        order_date=row.order_date,
        with_photo=row.with_photo,
        sis_marked=row.sis_marked,
        assurance_level=row.assurance_level,
        is_reserve=row.is_reserve,
        has_signing_cert=row.has_signing_cert,
        replaced_by_serial=row.replaced_by_serial,
        blocked_reason=row.blocked_reason,
        updated_at=row.updated_at,
        holder_chosen_code=row.holder_chosen_code,
    )


def _row(tx: Transaction, serial: str) -> Card:
    row = tx.get(Card, serial)
    if row is None:
        raise LookupError(f"no card {serial!r} on record")
    return row


def card_record(tx: Transaction, serial: str) -> CardRecord | None:
    """The card ``serial`` as it stands in this transaction; ``None`` if not on record."""
    row = tx.get(Card, serial)
    return None if row is None else _record(row)


def set_card_state(
    tx: Transaction,
    serial: str,
    *,
    state: str,
    at: datetime,
    blocked_reason: str | None = None,
    replaced_by_serial: str | None = None,
) -> None:
    """Give the card a new state at ``at``; a block reason and the replacing card's
    serial are written when given (an earlier value stays otherwise)."""
    row = _row(tx, serial)
    row.state = state
    row.updated_at = at
    if blocked_reason is not None:
        row.blocked_reason = blocked_reason
    if replaced_by_serial is not None:
        row.replaced_by_serial = replaced_by_serial


def set_card_facts(
    tx: Transaction,
    serial: str,
    *,
    at: datetime,
    product_number: str | None = None,
    assurance_level: str | None = None,
) -> None:
    """Write the product number and the reserve card's assurance level read from the back
    of the card (each when given; an earlier value stays otherwise)."""
    row = _row(tx, serial)
    if product_number is not None:
        row.product_number = product_number
    if assurance_level is not None:
        row.assurance_level = assurance_level
    row.updated_at = at


def touch_card(tx: Transaction, serial: str, *, at: datetime) -> None:
    """Record that the card's record changed at ``at`` (its state stays)."""
    _row(tx, serial).updated_at = at


def add_cards(tx: Transaction, records: Iterable[CardRecord]) -> None:
    """New cards on record (orders placed at the counter, seeded data), written at once
    so that rows naming them (deadlines, cached PUKs) can follow in the transaction."""
    for record in records:
        tx.add(Card(**dataclasses.asdict(record)))
    tx.flush()


def add_offices(tx: Transaction, names: Mapping[str, str]) -> None:
    """New offices on record (id → name), written at once so that rows naming them can
    follow in the transaction."""
    for office_id, name in names.items():
        tx.add(Office(id=office_id, name=name))
    tx.flush()


def registered_office_name(tx: Transaction, office_id: str) -> str | None:
    """The office's name; ``None`` when the office is not on record."""
    office = tx.get(Office, office_id)
    return office.name if office is not None else None


def office_name(tx: Transaction, office_id: str | None) -> str | None:
    """The office's name; its id when the office is not on record; ``None`` for none."""
    if office_id is None:
        return None
    name = registered_office_name(tx, office_id)
    return name if name is not None else office_id


def holder_cards(tx: Transaction, holder_id: str) -> list[CardRecord]:
    """The holder's cards on record."""
    from sqlalchemy import select

    table = Card.__table__  # type: ignore[attr-defined]
    rows = tx.execute(select(Card).where(table.c.holder_id == holder_id)).scalars()
    return [_record(row) for row in rows]

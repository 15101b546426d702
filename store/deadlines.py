"""Deadlines (name change, return) inside a unit of work: typed functions, records out."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlmodel import col
from sqlmodel import select as select_model

from store.database import Transaction
from store.models import Card, Deadline
from store.records import DeadlineRecord


def _record(row: Deadline) -> DeadlineRecord:
    return DeadlineRecord(
        id=row.id,
        card_serial=row.card_serial,
        kind=row.kind,
        due_date=row.due_date,
        reason=row.reason,
        kept=row.kept,
        resolved=row.resolved,
    )


def _open_rows(tx: Transaction, serial: str, kind: str | None) -> list[Deadline]:
    stmt = select(Deadline).where(
        Deadline.card_serial == serial,  # type: ignore[arg-type]
        Deadline.resolved == False,  # type: ignore[arg-type]  # noqa: E712
    )
    if kind is not None:
        stmt = stmt.where(Deadline.kind == kind)  # type: ignore[arg-type]
    return list(tx.execute(stmt).scalars())


def open_deadlines(
    tx: Transaction, serial: str, *, kind: str | None = None
) -> list[DeadlineRecord]:
    """The card's unresolved deadlines (of ``kind`` only, when given)."""
    return [_record(row) for row in _open_rows(tx, serial, kind)]


def resolve_open_deadlines(
    tx: Transaction, serial: str, *, kind: str | None = None, kept_reason: str | None = None
) -> None:
    """Resolve the card's open deadlines (of ``kind`` only, when given); with
    ``kept_reason``, each is marked kept (the holder keeps the card) with that reason."""
    for row in _open_rows(tx, serial, kind):
        row.resolved = True
        if kept_reason is not None:
            row.kept = True
            row.reason = kept_reason


def add_deadline(
    tx: Transaction, serial: str, *, kind: str, due: date, deadline_id: str | None = None
) -> None:
    """A new open deadline for the card (a new random id unless ``deadline_id``)."""
    tx.add(
        Deadline(id=deadline_id or str(uuid.uuid4()), card_serial=serial, kind=kind, due_date=due)
    )


def overdue_deadlines(tx: Transaction, *, before: date) -> list[tuple[DeadlineRecord, str]]:
    """Every open deadline due before ``before``, with its card's state."""
    rows = tx.execute(
        select(Deadline, Card.state)  # type: ignore[call-overload]
        .join(Card, Card.serial == Deadline.card_serial)
        .where(
            Deadline.resolved == False,  # noqa: E712
            Deadline.due_date < before,
        )
    ).all()
    return [(_record(deadline), str(state)) for deadline, state in rows]


def open_deadlines_of_cards(tx: Transaction, serials: Collection[str]) -> list[DeadlineRecord]:
    """The unresolved deadlines of these cards, soonest first."""
    if not serials:
        return []
    rows = tx.exec(
        select_model(Deadline)
        .where(col(Deadline.card_serial).in_(serials), col(Deadline.resolved).is_(False))
        .order_by(col(Deadline.due_date))
    ).all()
    return [_record(row) for row in rows]


def open_deadlines_due(tx: Transaction, *, first: date, last: date) -> list[DeadlineRecord]:
    """Every open deadline due from ``first`` to ``last`` (both included), by due date
    and card serial."""
    rows = tx.execute(
        select(Deadline)
        .where(
            Deadline.resolved == False,  # type: ignore[arg-type]  # noqa: E712
            Deadline.due_date >= first,  # type: ignore[arg-type]
            Deadline.due_date <= last,  # type: ignore[arg-type]
        )
        .order_by(Deadline.due_date, Deadline.card_serial)  # type: ignore[arg-type]
    ).scalars()
    return [_record(row) for row in rows]

"""Name change (R10) and return (R11): three-month deadlines, and the hourly sweep.

- ``record_name_change``: the old card must be replaced within three months.
- ``record_end``: employment or assignment ended; the card must come back within three
  months.
- ``take_back``: the card is handed back (state ``returned``), or kept under the
  exception for a holder who continues in the region, which needs a reason.
- ``sweep(now)``: blocks every card with an overdue open deadline, each block its own
  ``card.blocked`` event (priority 0); running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from clock import local_date
from kiosk.domain.deadlines import (
    ReturnOutcome,
    check_return,
    deadline_block_reason,
    name_change_deadline,
    return_deadline,
    sweep,
)
from kiosk.domain.lifecycle import Transition, transition
from kiosk.domain.roles import Action, require_role
from kiosk.domain.types import CardState, Deadline, DeadlineKind
from kiosk.errors import DomainError
from kiosk.services.login import Operator
from kiosk.services.workflows.blocking import block_row
from kiosk.services.workflows.common import Backend, Done, card_facts, load_card, set_state
from kiosk.services.workflows.errors import DeadlineInvalidError
from protocol.event_types import EventType
from store.models import Card
from store.models import Deadline as DeadlineRow

EVENT_NAME_CHANGE = EventType.CARD_NAME_CHANGE_RECORDED
EVENT_RETURN_DUE = EventType.CARD_RETURN_DUE
EVENT_RETURNED = EventType.CARD_RETURNED
EVENT_KEPT = EventType.CARD_RETURN_KEPT
SWEEP_OPERATOR: str | None = None


@dataclass(frozen=True)
class DeadlineDone(Done):
    due: dt.date | None = None


@dataclass(frozen=True)
class SweepReport:
    blocked: tuple[str, ...]
    event_ids: tuple[str, ...] = field(default=())


def _open_deadlines(session: object, serial: str, kind: DeadlineKind) -> list[DeadlineRow]:
    stmt = select(DeadlineRow).where(
        DeadlineRow.card_serial == serial,  # type: ignore[arg-type]
        DeadlineRow.kind == kind.value,  # type: ignore[arg-type]
        DeadlineRow.resolved == False,  # type: ignore[arg-type]  # noqa: E712
    )
    return list(session.execute(stmt).scalars())  # type: ignore[attr-defined]


class DeadlineService:
    """R10 and R11 at the counter, and the sweep the app runs at start and hourly."""

    def __init__(self, services: Backend, *, sweep_operator: str | None = None) -> None:
        self._s = services
        self._sweep_operator = sweep_operator

    def _record_deadline(
        self, operator: Operator, serial: str, on: dt.date, kind: DeadlineKind
    ) -> DeadlineDone:
        action = (
            Action.RECORD_NAME_CHANGE
            if kind is DeadlineKind.NAME_CHANGE
            else (Action.RECORD_RETURN)
        )
        require_role(operator.role, action)
        now = self._s.clock()
        if on > local_date(now):
            raise DeadlineInvalidError(date=on.isoformat())
        with self._s.store.unit_of_work() as session:
            row = load_card(session, serial)
            facts = card_facts(row)
            transition(facts.state, Transition.BLOCK)  # a final card needs no deadline
            deadline = (
                name_change_deadline(serial, on)
                if kind is DeadlineKind.NAME_CHANGE
                else return_deadline(serial, on)
            )
            for old in _open_deadlines(session, serial, kind):
                old.resolved = True  # the newest date replaces an earlier record
            session.add(
                DeadlineRow(
                    id=str(uuid.uuid4()),
                    card_serial=serial,
                    kind=kind.value,
                    due_date=deadline.due,
                )
            )
            row.updated_at = now
            event_type = (
                EVENT_NAME_CHANGE if kind is DeadlineKind.NAME_CHANGE else (EVENT_RETURN_DUE)
            )
            event_id = self._s.append(
                session,
                operator.hsa_id,
                event_type,
                {
                    "serial": serial,
                    "kind": kind.value,
                    "since": on.isoformat(),
                    "due": deadline.due.isoformat(),
                },
            )
        return DeadlineDone(event_id, serial, facts.state, (), deadline.due)

    def record_name_change(
        self, operator: Operator, serial: str, changed_on: dt.date
    ) -> DeadlineDone:
        """R10: the holder changed name on ``changed_on``; new card within three months."""
        return self._record_deadline(operator, serial, changed_on, DeadlineKind.NAME_CHANGE)

    def record_end(self, operator: Operator, serial: str, ended_on: dt.date) -> DeadlineDone:
        """R11: employment ended on ``ended_on``; the card back within three months."""
        return self._record_deadline(operator, serial, ended_on, DeadlineKind.RETURN)

    def take_back(
        self,
        operator: Operator,
        serial: str,
        *,
        keep_card: bool = False,
        keep_reason: str | None = None,
    ) -> Done:
        """R11: the card handed back, or kept (with a reason) by a holder who continues."""
        require_role(operator.role, Action.RECORD_RETURN)
        now = self._s.clock()
        with self._s.store.unit_of_work() as session:
            row = load_card(session, serial)
            outcome = check_return(card_facts(row), keep_card=keep_card, keep_reason=keep_reason)
            for deadline in _open_deadlines(session, serial, DeadlineKind.RETURN):
                deadline.resolved = True
                if outcome is ReturnOutcome.KEPT:
                    deadline.kept = True
                    deadline.reason = (keep_reason or "").strip()
            if outcome is ReturnOutcome.RETURNED:
                set_state(row, CardState.RETURNED, now)
                event_id = self._s.append(
                    session,
                    operator.hsa_id,
                    EVENT_RETURNED,
                    {"serial": serial, "state": CardState.RETURNED.value},
                )
                return Done(event_id, serial, CardState.RETURNED)
            row.updated_at = now
            event_id = self._s.append(
                session,
                operator.hsa_id,
                EVENT_KEPT,
                {"serial": serial, "reason": (keep_reason or "").strip()},
            )
            return Done(event_id, serial, CardState(row.state))

    def sweep(self, now: dt.datetime, *, operator: str | None = None) -> SweepReport:
        """Block every card with an overdue open deadline (R10, R11); idempotent.
        ``operator`` (the logged-in operator, if any) is recorded on the events."""
        who = operator if operator is not None else self._sweep_operator
        today = local_date(now)
        with self._s.store.unit_of_work() as session:
            rows = session.execute(
                select(DeadlineRow, Card.state)  # type: ignore[call-overload]
                .join(Card, Card.serial == DeadlineRow.card_serial)
                .where(
                    DeadlineRow.resolved == False,  # noqa: E712
                    DeadlineRow.due_date < today,
                )
            ).all()
        deadlines = [
            Deadline(d.card_serial, DeadlineKind(d.kind), d.due_date, d.resolved) for d, _ in rows
        ]
        states = {d.card_serial: CardState(state) for d, state in rows}
        blocked: list[str] = []
        events: list[str] = []
        for item in sweep(deadlines, states, today):
            with self._s.store.unit_of_work() as session:
                row = load_card(session, item.serial)
                try:
                    transition(CardState(row.state), Transition.BLOCK)
                except DomainError:  # changed meanwhile (e.g. returned): nothing to block
                    continue
                events.append(
                    block_row(
                        self._s,
                        session,
                        row,
                        reason=deadline_block_reason(item.deadline.kind),
                        operator=who,
                        payload_extra={
                            "source": "deadline_sweep",
                            "deadline": item.deadline.kind.value,
                            "due": item.deadline.due.isoformat(),
                            "received_at": now.isoformat(),
                            "card_present": False,
                            "holder_present": False,
                        },
                    )
                )
                blocked.append(item.serial)
        return SweepReport(tuple(blocked), tuple(events))

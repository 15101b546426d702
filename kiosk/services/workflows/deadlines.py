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
from dataclasses import dataclass, field

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
from kiosk.domain.roles import Action, require_not_limited, require_role
from kiosk.domain.types import CardState, Deadline, DeadlineKind
from kiosk.errors import DomainError
from kiosk.services.login import Operator
from kiosk.services.workflows.blocking import block_card
from kiosk.services.workflows.common import (
    Backend,
    Done,
    card_facts,
    load_card,
    set_state,
    touch_card,
)
from kiosk.services.workflows.errors import DeadlineInvalidError, EndDateInFutureError
from protocol.event_types import EventType
from store.deadlines import add_deadline, overdue_deadlines, resolve_open_deadlines
from store.holders import rename_holder

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


class DeadlineService:
    """R10 and R11 at the counter, and the sweep the app runs at start and hourly."""

    def __init__(self, services: Backend, *, sweep_operator: str | None = None) -> None:
        self._s = services
        self._sweep_operator = sweep_operator

    def _record_deadline(
        self,
        operator: Operator,
        serial: str,
        on: dt.date,
        kind: DeadlineKind,
        new_name: str | None = None,
    ) -> DeadlineDone:
        action = (
            Action.RECORD_NAME_CHANGE
            if kind is DeadlineKind.NAME_CHANGE
            else (Action.RECORD_RETURN)
        )
        require_role(operator.role, action)
        require_not_limited(operator.blocking_only, action)
        now = self._s.clock()
        if on > local_date(now):
            if kind is DeadlineKind.NAME_CHANGE:
                raise DeadlineInvalidError(date=on.isoformat())
            raise EndDateInFutureError(date=on.isoformat())
        with self._s.store.unit_of_work() as tx:
            record = load_card(tx, serial)
            facts = card_facts(record)
            transition(facts.state, Transition.BLOCK)  # a final card needs no deadline
            if new_name and kind is DeadlineKind.NAME_CHANGE:
                # the stored name follows the event, in its transaction: both or neither
                rename_holder(tx, self._s.store.cipher, record.holder_id, new_name)
            deadline = (
                name_change_deadline(serial, on)
                if kind is DeadlineKind.NAME_CHANGE
                else return_deadline(serial, on)
            )
            # the newest date replaces an earlier record
            resolve_open_deadlines(tx, serial, kind=kind.value)
            add_deadline(tx, serial, kind=kind.value, due=deadline.due)
            touch_card(tx, serial, now)
            event_type = (
                EVENT_NAME_CHANGE if kind is DeadlineKind.NAME_CHANGE else (EVENT_RETURN_DUE)
            )
            payload: dict[str, object] = {
                "serial": serial,
                "kind": kind.value,
                "since": on.isoformat(),
                "due": deadline.due.isoformat(),
            }
            if new_name:  # the journal payload is encrypted at rest
                payload["new_name"] = new_name
            event_id = self._s.append(tx, operator.hsa_id, event_type, payload)
        return DeadlineDone(event_id, serial, facts.state, (), deadline.due)

    def record_name_change(
        self,
        operator: Operator,
        serial: str,
        changed_on: dt.date,
        new_name: str | None = None,
    ) -> DeadlineDone:
        """R10: the holder changed name on ``changed_on`` (to ``new_name``, from the
        identity document); new card within three months."""
        return self._record_deadline(
            operator, serial, changed_on, DeadlineKind.NAME_CHANGE, new_name
        )

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
        require_not_limited(operator.blocking_only, Action.RECORD_RETURN)
        now = self._s.clock()
        with self._s.store.unit_of_work() as tx:
            record = load_card(tx, serial)
            outcome = check_return(card_facts(record), keep_card=keep_card, keep_reason=keep_reason)
            resolve_open_deadlines(
                tx,
                serial,
                kind=DeadlineKind.RETURN.value,
                kept_reason=(keep_reason or "").strip() if outcome is ReturnOutcome.KEPT else None,
            )
            if outcome is ReturnOutcome.RETURNED:
                set_state(tx, serial, CardState.RETURNED, now)
                event_id = self._s.append(
                    tx,
                    operator.hsa_id,
                    EVENT_RETURNED,
                    {"serial": serial, "state": CardState.RETURNED.value},
                )
                return Done(event_id, serial, CardState.RETURNED)
            touch_card(tx, serial, now)
            event_id = self._s.append(
                tx,
                operator.hsa_id,
                EVENT_KEPT,
                {"serial": serial, "reason": (keep_reason or "").strip()},
            )
            return Done(event_id, serial, CardState(record.state))

    def sweep(self, now: dt.datetime, *, operator: str | None = None) -> SweepReport:
        """Block every card with an overdue open deadline (R10, R11); idempotent.
        ``operator`` (the logged-in operator, if any) is recorded on the events."""
        who = operator if operator is not None else self._sweep_operator
        today = local_date(now)
        with self._s.store.unit_of_work() as tx:
            rows = overdue_deadlines(tx, before=today)
        deadlines = [
            Deadline(d.card_serial, DeadlineKind(d.kind), d.due_date, d.resolved) for d, _ in rows
        ]
        states = {d.card_serial: CardState(state) for d, state in rows}
        blocked: list[str] = []
        events: list[str] = []
        for item in sweep(deadlines, states, today):
            with self._s.store.unit_of_work() as tx:
                record = load_card(tx, item.serial)
                try:
                    transition(CardState(record.state), Transition.BLOCK)
                except DomainError:  # changed meanwhile (e.g. returned): nothing to block
                    continue
                events.append(
                    block_card(
                        self._s,
                        tx,
                        record,
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

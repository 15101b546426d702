"""R10 name change and R11 return: three-month deadlines, and the sweep that blocks the
cards whose deadline has passed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kiosk.domain.dates import add_months
from kiosk.domain.lifecycle import Transition, allowed_transitions, transition
from kiosk.domain.types import BlockReason, CardFacts, CardState, Deadline, DeadlineKind
from kiosk.errors import KeepReasonMissingError

#: R10/R11: calendar months to get a new card after a name change / to hand the card back.
DEADLINE_MONTHS = 3


def name_change_deadline(serial: str, changed_on: date) -> Deadline:
    """R10: three calendar months from the name change; the old card is blocked after it."""
    return Deadline(serial, DeadlineKind.NAME_CHANGE, add_months(changed_on, DEADLINE_MONTHS))


def return_deadline(serial: str, ended_on: date) -> Deadline:
    """R11: three calendar months from the end of employment; blocked if not returned."""
    return Deadline(serial, DeadlineKind.RETURN, add_months(ended_on, DEADLINE_MONTHS))


class ReturnOutcome(StrEnum):
    RETURNED = "returned"
    KEPT = "kept"  # continues with another assignment in the region


def check_return(
    card: CardFacts, *, keep_card: bool = False, keep_reason: str | None = None
) -> ReturnOutcome:
    """R11: record a return, or the keep-card exception, which needs a non-empty reason.
    Raises the refusal (an ``IllegalTransitionError`` for a card that cannot be taken back)."""
    transition(card.state, Transition.RETURN)
    if keep_card:
        if keep_reason is None or not keep_reason.strip():
            raise KeepReasonMissingError()
        return ReturnOutcome.KEPT
    return ReturnOutcome.RETURNED


_BLOCK_REASON_BY_DEADLINE: Mapping[DeadlineKind, BlockReason] = {
    DeadlineKind.NAME_CHANGE: BlockReason.NAME_CHANGE,
    DeadlineKind.RETURN: BlockReason.NOT_RETURNED,
}


def deadline_block_reason(kind: DeadlineKind) -> BlockReason:
    return _BLOCK_REASON_BY_DEADLINE[kind]


def overdue_deadlines(deadlines: Iterable[Deadline], today: date) -> list[Deadline]:
    """The open deadlines past their due date (overdue from the day after), oldest first."""
    return sorted(
        (d for d in deadlines if d.is_overdue(today)), key=lambda d: (d.due, d.serial, d.kind)
    )


@dataclass(frozen=True, slots=True)
class SweepBlock:
    serial: str
    reason: BlockReason
    deadline: Deadline


def sweep(
    deadlines: Iterable[Deadline], states: Mapping[str, CardState], today: date
) -> list[SweepBlock]:
    """The hourly sweep (R10, R11): one block per card with an overdue deadline whose state
    can still be blocked; cards already final (or unknown) are left alone."""
    blocks: list[SweepBlock] = []
    seen: set[str] = set()
    for deadline in overdue_deadlines(deadlines, today):
        state = states.get(deadline.serial)
        if deadline.serial in seen or state is None:
            continue
        if Transition.BLOCK not in allowed_transitions(state):
            continue
        seen.add(deadline.serial)
        blocks.append(SweepBlock(deadline.serial, deadline_block_reason(deadline.kind), deadline))
    return blocks

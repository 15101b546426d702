"""R10 (name change) and R11 (return): three calendar months, then the card is blocked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.dates import add_months
from kiosk.domain.deadlines import (
    ReturnOutcome,
    check_return,
    deadline_block_reason,
    name_change_deadline,
    overdue_deadlines,
    return_deadline,
    sweep,
)
from kiosk.domain.types import BlockReason, CardFacts, CardState, Deadline, DeadlineKind
from kiosk.errors import CardIsBlockedError, CardIsShippedError, KeepReasonMissingError

MakeCard = Callable[..., CardFacts]


@pytest.mark.parametrize(
    ("changed", "due"),
    [
        (date(2026, 1, 15), date(2026, 4, 15)),
        (date(2025, 11, 30), date(2026, 2, 28)),
        (date(2027, 11, 30), date(2028, 2, 29)),  # leap year
        (date(2026, 5, 31), date(2026, 8, 31)),
        (date(2026, 3, 31), date(2026, 6, 30)),
    ],
)
def test_r10_name_change_deadline_is_three_calendar_months(changed: date, due: date) -> None:
    deadline = name_change_deadline("SE0001", changed)
    assert deadline == Deadline("SE0001", DeadlineKind.NAME_CHANGE, due)


def test_r10_old_card_blocked_the_day_after_the_deadline() -> None:
    deadline = name_change_deadline("SE0001", date(2026, 1, 31))  # due 2026-04-30
    assert not deadline.is_overdue(date(2026, 4, 30))
    assert deadline.is_overdue(date(2026, 5, 1))
    assert deadline_block_reason(DeadlineKind.NAME_CHANGE) is BlockReason.NAME_CHANGE


def test_r11_return_deadline_three_months_after_employment_ends() -> None:
    deadline = return_deadline("SE0002", date(2026, 8, 31))
    assert deadline.kind is DeadlineKind.RETURN
    assert deadline.due == date(2026, 11, 30)
    assert deadline_block_reason(DeadlineKind.RETURN) is BlockReason.NOT_RETURNED


def test_r11_return_and_keep_card_exception_needs_a_reason(card: MakeCard) -> None:
    active = card(state=CardState.ACTIVE)
    assert check_return(active) is ReturnOutcome.RETURNED
    for reason in (None, "", "   "):
        with pytest.raises(KeepReasonMissingError):
            check_return(active, keep_card=True, keep_reason=reason)
    assert check_return(active, keep_card=True, keep_reason="New assignment") is ReturnOutcome.KEPT


def test_r11_only_a_card_in_use_is_returned(card: MakeCard) -> None:
    with pytest.raises(CardIsBlockedError):
        check_return(card(state=CardState.BLOCKED))
    with pytest.raises(CardIsShippedError):
        check_return(card(state=CardState.SHIPPED))
    assert check_return(card(state=CardState.LOCKED)) is ReturnOutcome.RETURNED


def test_r10_r11_overdue_deadlines_oldest_first_closed_ignored() -> None:
    today = date(2026, 6, 1)
    a = Deadline("A", DeadlineKind.RETURN, date(2026, 5, 31))
    b = Deadline("B", DeadlineKind.NAME_CHANGE, date(2026, 4, 1))
    on_time = Deadline("C", DeadlineKind.RETURN, date(2026, 6, 1))
    closed = Deadline("D", DeadlineKind.RETURN, date(2026, 1, 1), closed=True)
    assert overdue_deadlines([a, b, on_time, closed], today) == [b, a]


def test_r10_r11_sweep_blocks_overdue_cards_that_can_be_blocked() -> None:
    today = date(2026, 6, 1)
    deadlines = [
        Deadline("A", DeadlineKind.RETURN, date(2026, 5, 1)),
        Deadline("A", DeadlineKind.NAME_CHANGE, date(2026, 5, 2)),  # same card once only
        Deadline("B", DeadlineKind.NAME_CHANGE, date(2026, 5, 1)),
        Deadline("C", DeadlineKind.RETURN, date(2026, 5, 1)),  # already blocked
        Deadline("D", DeadlineKind.RETURN, date(2026, 5, 1)),  # unknown card
    ]
    states = {"A": CardState.ACTIVE, "B": CardState.LOCKED, "C": CardState.BLOCKED}
    blocks = sweep(deadlines, states, today)
    assert [(b.serial, b.reason) for b in blocks] == [
        ("A", BlockReason.NOT_RETURNED),
        ("B", BlockReason.NAME_CHANGE),
    ]


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 6, 1)),
)
def test_r10_overdue_exactly_after_three_months(changed: date, today: date) -> None:
    deadline = name_change_deadline("X", changed)
    assert deadline.is_overdue(today) == (today > add_months(changed, 3))
    assert bool(overdue_deadlines([deadline], today)) == deadline.is_overdue(today)

"""Calendar months for the three-month deadlines (R10, R11): clamping and leap years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.dates import add_days, add_months

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 5, 31), 3, date(2026, 8, 31)),
        (date(2026, 3, 31), 3, date(2026, 6, 30)),
        (date(2026, 10, 31), 3, date(2027, 1, 31)),  # across the year
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 7, 4), 0, date(2026, 7, 4)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_add_days_crosses_leap_day() -> None:
    assert add_days(date(2028, 2, 15), 30) == date(2028, 3, 16)
    assert add_days(date(2026, 2, 15), 30) == date(2026, 3, 17)


@given(DATES, DATES, st.integers(min_value=0, max_value=48))
def test_add_months_is_monotonic(a: date, b: date, months: int) -> None:
    if a <= b:
        assert add_months(a, months) <= add_months(b, months)


@given(DATES, st.integers(min_value=-48, max_value=48))
def test_add_months_lands_in_the_right_month(start: date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    clamped_to_month_end = result.day < start.day and (result + timedelta(days=1)).day == 1
    assert result.day == start.day or clamped_to_month_end


@given(DATES, st.integers(min_value=1, max_value=48))
def test_add_months_moves_forward(start: date, months: int) -> None:
    assert add_months(start, months) > start

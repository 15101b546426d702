"""Calendar arithmetic for the rules' deadlines (no python-dateutil here)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """``start`` moved by whole calendar months, clamped to the end of a shorter month.

    31 January + 1 month is 28 February (29 in a leap year); 30 November + 3 months is
    28/29 February; 31 March - 1 month is 28/29 February. ``months`` may be negative.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)

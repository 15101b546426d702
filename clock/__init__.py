"""The one wall clock.

Product code never reads the time itself: the composition root builds a ``Clock``
(``system_clock``) and passes it down; tests pass their own. A test fails when any other
product module reads the wall clock (``datetime.now``, ``date.today``, ``time.time``).
Monotonic timers for timeouts and benchmarks are not wall-clock reads and stay free.

"Today" for the rules (deadlines, reorders, "valid through") is the calendar day in
Europe/Stockholm, not in UTC: between midnight and 02:00 local time the two differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

Clock = Callable[[], dt.datetime]
"""Returns the current moment as an aware datetime (UTC)."""

LOCAL_ZONE = ZoneInfo("Europe/Stockholm")


def system_clock() -> dt.datetime:
    """The real time; only composition roots hand this out."""
    return dt.datetime.now(dt.UTC)


def local_date(moment: dt.datetime) -> dt.date:
    """The office's calendar day (Europe/Stockholm) at ``moment``."""
    return moment.astimezone(LOCAL_ZONE).date()


def fixed_clock(moment: dt.datetime) -> Clock:
    """A clock that always says ``moment`` (snapshots, replays, one-off commands)."""
    if moment.tzinfo is None:
        raise ValueError("a clock's moment must carry a time zone")

    def now() -> dt.datetime:
        return moment

    return now

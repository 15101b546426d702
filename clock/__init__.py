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


class FixedClock:
    """A clock that says one moment until it is moved: snapshots, replays, one-off
    commands, benches, and the tests (``advance``, ``set``)."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = _aware(moment)

    def __call__(self) -> dt.datetime:
        return self.moment

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        self.moment += delta
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        self.moment = _aware(moment)


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("a clock's moment must carry a time zone")
    return moment

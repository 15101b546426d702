"""The test clock: every test takes "now" from here (the ``now`` and ``clock`` fixtures).

Its default is the real current time, so that real components that read the clock
themselves (OpenSSL checking TLS certificates, PostgreSQL) agree with it. It can be moved:
``pytest --clock-offset-days=N`` or ``KIOSK_TEST_CLOCK_OFFSET_DAYS=N``; ``make test`` runs
the unit suite a second time more than a year ahead.
"""

from __future__ import annotations

import datetime as dt
import os

from clock import system_clock

OFFSET_ENV = "KIOSK_TEST_CLOCK_OFFSET_DAYS"
OFFSET_OPTION = "--clock-offset-days"


def offset_days(option: int | None) -> int:
    """The option wins over the environment; neither: no offset."""
    if option is not None:
        return option
    raw = os.environ.get(OFFSET_ENV, "").strip()
    return int(raw) if raw else 0


def session_now(days: int) -> dt.datetime:
    """The session's "now": the real moment the run started, moved by ``days``."""
    return system_clock().replace(microsecond=0) + dt.timedelta(days=days)


class TestClock:
    """A clock that stands still until a test moves it."""

    __test__ = False  # not a pytest test class

    def __init__(self, moment: dt.datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the test clock's moment must carry a time zone")
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        self.moment += delta
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        self.moment = moment

"""The test clock's "now": every test takes it from the ``now`` and ``clock`` fixtures
(``tests/conftest.py``; the clock is the product's ``clock.FixedClock``).

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

"""The one clock of the test suite: ``now`` (session-wide) and ``clock`` (per test), and the
one test world (``tests.support.world``: the ``pki``, ``factory`` and ``world`` fixtures)."""

from __future__ import annotations

import datetime as dt

import pytest

from clock import FixedClock
from tests.support.clock import OFFSET_OPTION, offset_days, session_now

pytest_plugins = [
    "tests.support.world",
    "tests.support.pcsc_marker",
    "tests.support.clock_marker",
    "tests.support.gc_tuning",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        OFFSET_OPTION,
        type=int,
        default=None,
        help="move the test clock this many days (default: $KIOSK_TEST_CLOCK_OFFSET_DAYS or 0)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    days = offset_days(config.getoption(OFFSET_OPTION))
    return f"test clock: now + {days} days" if days else "test clock: now"


@pytest.fixture(scope="session")
def clock_offset_days(pytestconfig: pytest.Config) -> int:
    return offset_days(pytestconfig.getoption(OFFSET_OPTION))


@pytest.fixture(scope="session")
def now(clock_offset_days: int) -> dt.datetime:
    """The moment every test of the session treats as now (UTC)."""
    return session_now(clock_offset_days)


@pytest.fixture(scope="session")
def today(now: dt.datetime) -> dt.date:
    """The office's calendar day at ``now`` (Europe/Stockholm)."""
    from clock import local_date

    return local_date(now)


@pytest.fixture
def clock(now: dt.datetime) -> FixedClock:
    """A clock at ``now`` that a test may move."""
    return FixedClock(now)

"""The ``clock`` marker: which tests see the test clock's offset.

``make test`` runs the unit suite a second time with the clock moved more than a year ahead
(``--clock-offset-days``). Only a test whose fixture closure holds ``clock_offset_days``
(through ``now``, ``today``, ``clock`` or a world built on them) can see the move, so only
those run again; rerunning the others would test the same thing twice. The marker is set
from the fixture closure, not by hand, so a new test that takes the clock is never left out.
"""

from __future__ import annotations

import pytest

# The one fixture every test-clock fixture depends on (tests/conftest.py).
OFFSET_FIXTURE = "clock_offset_days"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if OFFSET_FIXTURE in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.clock)

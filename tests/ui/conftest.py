from __future__ import annotations

import pytest

from tests.support.clock import TestClock
from tests.support.ui_world import World, build_world


@pytest.fixture
def world(clock: TestClock) -> World:
    return build_world(clock)

from __future__ import annotations

import pytest

from clock import FixedClock
from tests.support.ui_world import World, build_world


@pytest.fixture
def world(clock: FixedClock) -> World:
    return build_world(clock)

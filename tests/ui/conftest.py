"""The UI tests' ``world``: the counter (``tests.support.ui_world``) on the one store-backed
world of the suite (``tests.support.world``), on the suite's clock and test PKI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clock import FixedClock
from devices.virtual.factory import CardFactory
from tests.support.ui_world import World, counter_on
from tests.support.world import open_world


@pytest.fixture
def world(
    tmp_path: Path, factory: CardFactory, clock: FixedClock, world_template: Path
) -> Iterator[World]:
    with open_world(tmp_path, factory, clock, world_template) as base:
        world = counter_on(base)
        try:
            yield world
        finally:
            world.directory.close()

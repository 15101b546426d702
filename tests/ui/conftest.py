"""The UI tests' ``world``: the counter (``tests.support.ui_world``) on the one store-backed
world of the suite (``tests.support.world``), on the suite's clock and test PKI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from clock import FixedClock
from devices.virtual.factory import CardFactory
from tests.support.ui_world import World, counter_on
from tests.support.world import open_world
from tests.ui.helpers import steady_cursors


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


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    """pytest-textual-snapshot's comparison with every input cursor drawn steadily
    (``steady_cursors``): a blinking one made snapshots with a focused field flaky."""

    def compare(app: Any, *args: Any, run_before: Any = None, **options: Any) -> bool:
        return snap_compare(app, *args, run_before=steady_cursors(run_before), **options)

    return compare

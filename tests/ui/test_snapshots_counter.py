"""Snapshots at 80×24, in Swedish and English, of the screens the counter work added: the
quit confirmation, the waiting blocks. Same fixed instant and documents as ``test_snapshots``.

Update after an intended change with
``pytest tests/ui/test_snapshots_counter.py --snapshot-update``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.ui_world import make_app, with_pending_blocks
from tests.ui.helpers import log_in, settle
from tests.ui.test_snapshots import SIZE, snapshot_world


def _scenario(name: str, world: Any) -> Any:
    async def quit_confirm(pilot: Any) -> None:
        await log_in(pilot, world)
        await pilot.press("ctrl+q")
        await settle(pilot)

    async def pending_blocks(pilot: Any) -> None:
        await log_in(pilot, world)
        await pilot.press("shift+f12")
        await settle(pilot)

    return {"quit_confirm": quit_confirm, "pending_blocks": pending_blocks}[name]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("screen", ["quit_confirm", "pending_blocks"])
def test_snapshot(snap_compare: Any, screen: str, lang: str) -> None:
    world = snapshot_world()
    if screen == "pending_blocks":
        with_pending_blocks(world)
    app = make_app(world, lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=_scenario(screen, world))

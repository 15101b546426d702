"""Snapshots at 80×24, in Swedish and English, of the dialog that asks which reader holds
the operator's card (both readers hold operators' cards at login).

Update after an intended change with
``pytest tests/ui/test_snapshots_reader_choice.py --snapshot-update``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.ui_world import find_the_operators_reader, make_app
from tests.ui.helpers import settle, type_text
from tests.ui.test_snapshots import SIZE, snapshot_world


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_snapshot_reader_choice(snap_compare: Any, lang: str) -> None:
    world = find_the_operators_reader(snapshot_world())
    app = make_app(world, lang=lang)

    async def both_operators_cards(pilot: Any) -> None:
        world.insert("operator", "clerk")
        world.insert("customer", "admin")
        await settle(pilot)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=both_operators_cards)

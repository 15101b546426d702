"""Snapshots at 80x24, in Swedish and English, of the workflow dialogs that had none: name
change (R10), return (R11), blocking (R9) and PIN change (R8), each opened for a card on
record and drawn once its worker has answered (no dates on these screens: the suite's
clock may be any day)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kiosk.i18n import Catalogue
from kiosk.services.workflows.blocking import BlockingService
from kiosk.services.workflows.name_change import NameChangeService
from kiosk.services.workflows.pin_change import PinChangeService
from kiosk.services.workflows.returns import ReturnService
from screens.workflows.blocking import BlockScreen
from screens.workflows.deadlines import NameChangeScreen, ReturnScreen
from screens.workflows.pin_change import PinChangeScreen
from tests.support.ui_workflows import Host, settle
from tests.support.world import World, operator

SIZE = (80, 24)

DIALOGS: dict[str, Callable[[World, Catalogue], Any]] = {
    "name_change": lambda w, t: NameChangeScreen(
        t, NameChangeService(w.services), operator(), "S801"
    ),
    "return": lambda w, t: ReturnScreen(t, ReturnService(w.services), operator(), "S801"),
    "block": lambda w, t: BlockScreen(t, BlockingService(w.services), operator(), serial="S801"),
    "pin_change": lambda w, t: PinChangeScreen(
        t, PinChangeService(w.services, card_opener=w.opener()), w.visit(), "S801"
    ),
}


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("dialog", sorted(DIALOGS))
def test_snapshot_workflow_dialog(snap_compare: Any, world: World, dialog: str, lang: str) -> None:
    made = world.card(world.spec("S801", state="active", product_number="511"))
    world.insert(made)
    catalogue = Catalogue(lang)

    async def opened(pilot: Any) -> None:
        await settle(pilot)  # the dialog's worker (the card's plan) has answered

    app = Host(lambda: DIALOGS[dialog](world, catalogue))
    assert snap_compare(app, terminal_size=SIZE, run_before=opened)

"""Workflow results a clerk must read whole (issue "The counter as a clerk uses it",
section Flows): the block result fits the dialog at 80×24; an undelivered card that was
never shipped gets one consistent message."""

from __future__ import annotations

import pytest
from textual.widgets import Select, Static

from kiosk.i18n import Catalogue
from kiosk.services.workflows.blocking import BlockingService
from screens.workflows.blocking import BlockScreen
from tests.support.ui_workflows import Host, message, settle
from tests.support.world import World, operator

SV = Catalogue("sv")


@pytest.mark.parametrize("size", [(80, 24), (80, 40)])
async def test_r9_the_block_result_is_shown_whole(world: World, size: tuple[int, int]) -> None:
    world.card(world.spec("K9", state="active", product_number="511", sis_marked=True))
    app = Host(lambda: BlockScreen(SV, BlockingService(world.services), operator(), serial="K9"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#reason", Select).value = "stolen"
        await settle(pilot)
        for box in ("#telia", "#police"):
            screen.query_one(box).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert world.state("K9") == "blocked"
        shown = message(app)
        assert SV("workflows.close_hint") in shown
        result = screen.query_one("#wf-message", Static)
        dialog = result.parent
        assert dialog is not None
        assert dialog.region.contains_region(result.region), (dialog.region, result.region)
        assert result.region.bottom < size[1]


async def test_r3_an_unshipped_card_gets_one_message_not_a_reorder_date(world: World) -> None:
    import datetime as dt

    from kiosk.services.workflows.undelivered import UndeliveredService
    from screens.workflows.undelivered import UndeliveredScreen
    from tests.support.ui_workflows import screen_text

    ordered = world.today - dt.timedelta(days=3)
    world.card(world.spec("N9", state="ordered", with_photo=False, order_date=ordered))
    service = UndeliveredService(world.services)
    app = Host(lambda: UndeliveredScreen(SV, service, operator(), "N9"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert SV("notice.r3.not_shipped") in shown
        assert (ordered + dt.timedelta(days=30)).isoformat() not in shown
        assert SV("workflows.undelivered.shipment.a_post") not in shown
        assert "inte skickat" not in message(app)  # said once, in the notice

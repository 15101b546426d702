"""The counter's safety, driven through the app as a clerk uses it (issue "The counter as a
clerk uses it", section Safety)."""

from __future__ import annotations

from kiosk.i18n import Catalogue
from screens.visit import VisitScreen
from tests.support.ui_world import World, make_app
from tests.ui.helpers import log_in, settle, text_of, type_text

SV = Catalogue("sv")


async def test_r1_photo_mismatch_cannot_be_talked_past(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        world.readers.scan(world.zone("swedish-passport"))
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)  # no reason dialog
        await type_text(pilot, "Fotot ar gammalt")
        await pilot.press("enter")
        await settle(pilot)
        visit = app.ctx.session.visit
        assert not visit.identity_done and visit.identity_document() is None
        assert world.recorder.records[-1].result.value == "refused"
        assert SV("ui.visit.photo_no") in text_of(app, "#likeness")

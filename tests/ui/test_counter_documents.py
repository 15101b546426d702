"""Documents at the counter as a clerk meets them (issue "The counter as a clerk uses it",
section Flows): visas and typed document details."""

from __future__ import annotations

from kiosk.documents.errors import VisaNotIdentityDocumentError
from kiosk.i18n import Catalogue
from tests.support.ui_world import World, make_app
from tests.ui.helpers import log_in, settle, text_of
from tests.unit.documents.test_visas import MRV_A, MRV_B

SV = Catalogue("sv")


async def test_r1_a_scanned_visa_is_named_a_visa_not_a_wrong_check_digit(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        for zone in (MRV_A, MRV_B):
            world.readers.scan("\n".join(zone))
            await settle(pilot)
            shown = text_of(app, "#visit-message")
            assert SV.error(VisaNotIdentityDocumentError()) in shown
            assert "kontrollsiffr" not in (shown + text_of(app, "#checks")).lower()
        assert app.ctx.session.visit.identity is None

"""Documents at the counter as a clerk meets them (issue "The counter as a clerk uses it",
section Flows): visas and typed document details."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from kiosk.documents.errors import VisaNotIdentityDocumentError
from kiosk.i18n import Catalogue
from tests.support.ui_world import World, make_app
from tests.ui.helpers import all_text, log_in, plain, settle, text_of
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


async def _manual_entry(pilot, world: World):  # type: ignore[no-untyped-def]
    from screens.manual_entry import ManualEntryScreen

    await log_in(pilot, world)
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press("f8")  # manual entry in the visit
    await settle(pilot)
    assert isinstance(pilot.app.screen, ManualEntryScreen)
    return pilot.app.screen


def _fully_shown(screen, selector: str) -> bool:  # type: ignore[no-untyped-def]
    """The widget lies wholly inside the dialog's visible area and inside the screen."""
    widget = screen.query_one(selector)
    box = screen.query_one("#manual-box")
    region = widget.region
    return bool(
        region.area
        and box.region.contains_region(region)
        and screen.region.contains_region(region)
        and region.bottom <= screen.size.height - 1  # the key bar stays free
    )


@pytest.mark.parametrize("size", [(80, 24), (80, 40), (120, 40)])
async def test_manual_entry_shows_the_expiry_field_and_the_error_line_at_every_size(
    world: World, size: tuple[int, int]
) -> None:
    app = make_app(world)
    async with app.run_test(size=size) as pilot:
        screen = await _manual_entry(pilot, world)
        screen.query_one("#expiry").focus()
        await settle(pilot)
        assert _fully_shown(screen, "#expiry")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert plain(screen.query_one("#manual-message").content).strip()
        assert _fully_shown(screen, "#manual-message")


async def test_manual_entry_saved_empty_names_every_missing_field_in_swedish(
    world: World,
) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _manual_entry(pilot, world)
        for name in ("number", "personnummer", "surname"):
            screen.query_one(f"#{name}", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = plain(screen.query_one("#manual-message").content)
        for name in ("number", "personnummer", "surname", "expiry"):
            assert SV(f"ui.manual.{name}") in shown
        assert "expiry_date" not in all_text(app) and "_" not in shown
        assert app.screen is screen  # nothing was sent on


async def test_manual_entry_flags_a_personnummer_with_a_wrong_check_digit(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _manual_entry(pilot, world)
        values = {
            "number": "AB1234567",
            "personnummer": "19850312-2388",  # Åsa's number with the last digit wrong
            "surname": "Öberg",
            "given_names": "Åsa Linnéa",
            "expiry": "2031-06-30",
        }
        for name, value in values.items():
            screen.query_one(f"#{name}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        shown = plain(screen.query_one("#manual-message").content)
        assert SV("error.personnummer.check_digit") in shown
        screen.query_one("#personnummer", Input).value = "19850312-2387"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not screen

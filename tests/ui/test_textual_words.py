"""Textual's own texts in the Swedish interface come from the catalogue.

The palette's "No matches found" is restated from a private Textual method
(screens/textual_words.py, Textual pinned to its minor version): this reads it on screen.
"""

from __future__ import annotations

from textual.command import CommandList

from kiosk.i18n import Catalogue
from screens.key_bar import KeyBar
from tests.support.ui_world import World, make_app
from tests.ui.helpers import log_in, plain, settle, type_text


async def test_palette_says_no_matches_in_swedish(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "qxzqxz")
        await pilot.pause(0.8)  # the palette waits half a second before saying so
        options = app.screen.query_one(CommandList)
        shown = [plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Inga träffar" in text for text in shown), shown
        assert not any("No matches" in text for text in shown), shown


async def test_ctrl_c_says_how_to_quit_in_swedish(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert any(Catalogue("sv")("ui.quit.hint") in notice for notice in app.notices), app.notices
        assert not any("to quit the app" in notice for notice in app.notices), app.notices


def test_textual_binding_descriptions_show_in_the_catalogue_language() -> None:
    sv = KeyBar(Catalogue("sv"))
    assert sv.describe("Dismiss menu") == "Stäng menyn"
    assert sv.describe("Exit the command palette") == "Stäng kommandopaletten"
    assert KeyBar(Catalogue("en")).describe("Dismiss menu") == "Dismiss menu"

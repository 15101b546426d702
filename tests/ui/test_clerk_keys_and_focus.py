"""The counter as a clerk uses it: the demo shows the code letter a 5xx/6xx card came with,
text typed right after Tab lands in the field Tab moved to, no dialog has an invisible
focus stop."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, OptionList

from kiosk.i18n import Catalogue
from screens.device_panel import DevicePanel
from screens.manual_entry import ManualEntryScreen
from screens.reason import ReasonScreen
from tests.support.ui_world import World, make_app
from tests.ui.helpers import log_in, settle, text_of

SV = Catalogue("sv")


async def _highlight_card(pilot, app, item_id: str) -> None:
    cards = app.screen.query_one("#panel-cards", OptionList)
    index = next(i for i, item in enumerate(app.screen.demo.cards()) if item.item_id == item_id)
    cards.highlighted = index
    await settle(pilot)


async def test_r7_demo_panel_shows_the_code_letter_puk_of_a_5xx_card(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, DevicePanel)
        await _highlight_card(pilot, app, "jons")  # product number 512: code letter
        puk = world.cards["jons"].puk
        assert SV("ui.panel.code_letter", puk=puk) in text_of(app, "#panel-code-letter")
        await _highlight_card(pilot, app, "asa")  # 711: no code letter, nothing shown
        assert text_of(app, "#panel-code-letter").strip() == ""


async def test_r7_code_letter_puk_never_shown_outside_demo_mode(world: World) -> None:
    app = make_app(world, demo=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f9")  # no device panel outside the demo
        await settle(pilot)
        assert not isinstance(app.screen, DevicePanel)
        demo = world.services.demo
        assert demo is not None
        app.push_screen(DevicePanel(app.ctx, demo))  # even if something opened it
        await settle(pilot)
        await _highlight_card(pilot, app, "jons")
        assert world.cards["jons"].puk not in text_of(app, "#panel-code-letter")


def _post_keys(app, keys: list[str]) -> None:
    """Keys as the terminal driver posts them: one after the other, no wait in between."""
    for key in keys:
        character = "\t" if key == "tab" else key
        event = events.Key(key, character)
        event.set_sender(app)
        app.post_message(event)


async def test_text_typed_right_after_tab_lands_in_the_next_field(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.action_manual_entry()
        await settle(pilot)
        assert isinstance(app.screen, ManualEntryScreen)
        app.screen.query_one("#number", Input).focus()
        await settle(pilot)
        _post_keys(app, ["a", "a", "a", "tab", "b", "b", "b"])
        await settle(pilot)
        assert app.screen.query_one("#number", Input).value == "aaa"
        assert app.screen.query_one("#personnummer", Input).value == "bbb"


async def test_manual_entry_and_reason_dialogs_have_no_invisible_focus_stop(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        for dialog in (ManualEntryScreen(app.ctx), ReasonScreen(app.ctx)):
            app.push_screen(dialog)
            await settle(pilot)
            stops = [
                w for w in app.screen.focus_chain if type(w).__module__ == "textual.containers"
            ]
            assert stops == [], f"{type(dialog).__name__}: invisible focus stop {stops}"
            assert app.screen.focus_chain, type(dialog).__name__
            app.pop_screen()
            await settle(pilot)

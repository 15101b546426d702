"""Keyboard-only navigation: command palette reaches every screen; the demo device panel."""

from __future__ import annotations

from kiosk.i18n import Catalogue
from screens.card_check import CardCheckScreen
from screens.commands import KioskCommands, palette_commands
from screens.device_panel import DevicePanel
from screens.home import HomeScreen
from screens.lookup import LookupScreen
from screens.visit import VisitScreen
from tests.support.ui_world import World, make_app
from tests.ui.helpers import log_in, settle, type_text

SV = Catalogue("sv")
EN = Catalogue("en")


async def test_palette_lists_a_command_for_every_screen(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        titles = {c.title for c in palette_commands(app)}
        for key in ("home", "visit", "lookup", "card_test", "end_visit", "lock", "devices", "quit"):
            assert SV(f"ui.cmd.{key}") in titles


async def test_the_palette_offers_the_kiosk_commands_and_no_textual_ones(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        providers = [p() if not isinstance(p, type) else p for p in app.COMMANDS]
        assert providers == [KioskCommands]
        commands = KioskCommands(app.screen)
        discovered = [hit.display async for hit in commands.discover()]
        assert discovered == sorted(c.title for c in palette_commands(app))
        assert "Theme" not in discovered and "Keys" not in discovered
        found = [hit.command async for hit in commands.search(SV("ui.cmd.lookup"))]
        assert app.action_open_lookup in found


async def test_palette_opens_lookup_and_card_test(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, SV("ui.cmd.lookup"))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, SV("ui.cmd.card_test"))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CardCheckScreen)
        assert isinstance(app.screen_stack[-2], VisitScreen)


async def test_keys_between_screens_and_back(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)
        await pilot.press("f3")  # Sök: F3 on every screen
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)  # Esc goes back to the visit
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_device_panel_inserts_operator_card_and_scans(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, DevicePanel)
        await pilot.press("o")  # the first demo card (the clerk) into the operator reader
        await settle(pilot)
        assert app.status.operator_reader == "card"
        await pilot.press("escape")
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f9", "tab", "s")  # documents list, scan the first one
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)
        assert app.ctx.session.visit.identity is not None
        await pilot.press("f9", "u")  # take the operator card out: locks
        await settle(pilot)
        assert app.ctx.session.operator is None


async def test_english_with_lang_en(world: World) -> None:
    app = make_app(world, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        titles = {c.title for c in palette_commands(app)}
        assert EN("ui.cmd.lookup") in titles
        assert EN("ui.role.clerk") in str(app.screen.query_one("#status-bar").content)

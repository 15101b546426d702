"""The workflow dialogs' focus: every focus stop is a field the clerk or holder types in or
picks from (no invisible stop that swallows typed characters), and what is typed right
after Tab lands in the field Tab moved to."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from kiosk.i18n import Catalogue
from kiosk.services.workflows.blocking import BlockingService
from kiosk.services.workflows.pin_change import PinChangeService
from screens.workflows.blocking import BlockScreen
from screens.workflows.pin_change import PinChangeScreen
from tests.support.ui_workflows import Host, settle
from tests.support.world import World, operator

EN = Catalogue("en")


def _post_keys(app, keys: list[str]) -> None:
    for key in keys:
        event = events.Key(key, "\t" if key == "tab" else key)
        event.set_sender(app)
        app.post_message(event)


def _hosts(world: World) -> list[Host]:
    pin = PinChangeService(world.services, card_opener=world.opener())
    return [
        Host(lambda: PinChangeScreen(EN, pin, world.visit(), "F1")),
        Host(lambda: BlockScreen(EN, BlockingService(world.services), operator(), serial="F1")),
    ]


async def test_workflow_dialogs_have_no_invisible_focus_stop(world: World) -> None:
    world.insert(world.card(world.spec("F1", state="active", product_number="511")))
    for app in _hosts(world):
        async with app.run_test() as pilot:
            await settle(pilot)
            chain = app.screen.focus_chain
            assert chain, type(app.screen).__name__
            stops = [w for w in chain if type(w).__module__ == "textual.containers"]
            assert stops == [], f"{type(app.screen).__name__}: invisible focus stop {stops}"


async def test_pin_typed_right_after_tab_lands_in_the_next_field(world: World) -> None:
    world.insert(world.card(world.spec("F1", state="active", product_number="511")))
    app = _hosts(world)[0]
    async with app.run_test() as pilot:
        await settle(pilot)
        app.screen.query_one("#current-pin", Input).focus()
        await pilot.pause()
        _post_keys(app, ["1", "2", "3", "tab", "4", "5", "6", "tab", "7", "8", "9"])
        await settle(pilot)
        names = ("current-pin", "new-pin", "repeat-pin")
        values = [app.screen.query_one(f"#{name}", Input).value for name in names]
        assert values == ["123", "456", "789"]

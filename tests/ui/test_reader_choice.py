"""The login finds the operator's reader by the card in it: the reader roles survive a
reboot that swapped two identical readers, and with operators' cards in both readers the
kiosk asks which reader holds the operator's own card."""

from __future__ import annotations

from kiosk.i18n import Catalogue
from kiosk.services.ports import ReaderRole
from screens.home import HomeScreen
from screens.login import LoginScreen
from screens.reader_choice import ReaderChoiceScreen
from tests.support.ui_world import World, find_the_operators_reader, make_app
from tests.ui.helpers import all_text, settle, text_of, type_text

SV = Catalogue("sv")
FIRST = "Virtual PCD 00 00"
SECOND = "Virtual PCD 00 01"


async def _type_pin(pilot: object, pin: str = "123456") -> None:
    await settle(pilot)
    await type_text(pilot, pin)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)


async def test_both_readers_with_operators_cards_ask_and_log_in_the_chosen(
    world: World,
) -> None:
    find_the_operators_reader(world)
    world.insert("operator", "clerk")
    world.insert("customer", "admin")
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await _type_pin(pilot)
        assert isinstance(app.screen, ReaderChoiceScreen)
        text = all_text(app)
        assert SV("ui.reader_choice.title") in text
        assert FIRST in text and SECOND in text
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.ctx.session.operator.display_name == "Adam Berg"
        assert world.readers.assignment.operator_reader == SECOND
        assert app.status.operator_reader == "card" and app.status.customer_reader == "card"


async def test_escape_from_the_reader_choice_logs_nobody_in(world: World) -> None:
    find_the_operators_reader(world)
    world.insert("operator", "clerk")
    world.insert("customer", "admin")
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await _type_pin(pilot)
        assert isinstance(app.screen, ReaderChoiceScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.ctx.session.operator is None
        assert text_of(app, "#login-message") == SV("ui.login.hint_idle")
        assert world.readers.assignment.operator_reader is None


async def test_operator_card_in_the_customer_reader_logs_in_and_pulling_it_locks(
    world: World,
) -> None:
    find_the_operators_reader(world)
    world.insert("customer", "clerk")  # the readers swapped names at a reboot
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await _type_pin(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.status.operator_reader == "card" and app.status.customer_reader == "empty"
        world.readers.remove(ReaderRole.OPERATOR)  # the reader bound as the operator's
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.ctx.session.operator is None

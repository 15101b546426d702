"""The holder's own code at activation: the dialog after the activation checks, the PIN
policy in the dialog before the card, the code set on the card; snapshots of the dialog at
80×24 in both languages."""

from __future__ import annotations

from typing import Any

import pytest

from devices.card.piv import PivSession
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import DEFAULT_PIN
from kiosk.i18n import Catalogue
from kiosk.services.workflows.activation import ActivationService, HolderCode
from screens.workflows.activation import ActivationScreen
from screens.workflows.holder_code import HolderCodeScreen
from tests.support.ui_workflows import Host, message, settle
from tests.support.world import NEW_PIN, World
from tests.ui.helpers import type_text
from tests.ui.test_snapshots import SIZE


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_snapshot_holder_code(snap_compare: Any, lang: str) -> None:
    app = Host(lambda: HolderCodeScreen(Catalogue(lang), "9752269000000209"))
    assert snap_compare(app, terminal_size=SIZE)


def host(world: World, serial: str, *, document: bool = True) -> tuple[Host, Any]:
    made = world.card(world.spec(serial, holder_chosen_code=True), holder_chosen_code=True)
    world.insert(made)
    service = ActivationService(world.services, card_opener=world.opener())
    visit = world.visit() if document else world.visit(document=None)
    app = Host(lambda: ActivationScreen(Catalogue("en"), service, visit, serial))
    return app, made


async def type_codes(pilot: Any, initial: str, new: str, repeated: str) -> None:
    for code in (initial, new, repeated):
        await type_text(pilot, code)
        await pilot.press("enter")
    await settle(pilot)


async def test_r2_holder_sets_the_code_then_the_card_is_activated(world: World) -> None:
    app, made = host(world, "HC1")
    async with app.run_test() as pilot:
        await pilot.press("enter")
        await settle(pilot)
        assert "holder chooses the code" in message(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HolderCodeScreen)
        await type_codes(pilot, DEFAULT_PIN, NEW_PIN, NEW_PIN)
        assert isinstance(app.screen, ActivationScreen)
        assert "HC1 is activated" in message(app)
    assert world.state("HC1") == "active"
    PivSession(InProcessConnection(made.card)).verify_pin(NEW_PIN)


async def test_r8_code_policy_in_the_dialog_nothing_sent(world: World) -> None:
    app, made = host(world, "HC2")
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_codes(pilot, "999999", "123456", "123456")
        assert isinstance(app.screen, HolderCodeScreen)
        assert "too simple" in message(app).lower() or "straight run" in message(app).lower()
        assert all(not field.value for field in app.screen.query("#new-code, #repeat-code"))
        await pilot.press("escape")
        await settle(pilot)
        assert "not activated" in message(app)
    assert world.state("HC2") == "shipped"
    assert PivSession(InProcessConnection(made.card)).pin_retries() == 3


async def test_r6_wrong_initial_code_shows_tries_left(world: World) -> None:
    app, _ = host(world, "HC3")
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_codes(pilot, "999999", NEW_PIN, NEW_PIN)
        assert isinstance(app.screen, ActivationScreen)
        assert "initial code is wrong. 2 tries left" in message(app)
        assert "999999" not in message(app) and NEW_PIN not in message(app)
    assert world.state("HC3") == "shipped"


async def test_r1_refusal_before_the_code_dialog(world: World) -> None:
    app, _ = host(world, "HC4", document=False)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ActivationScreen)
        assert "identity has not been checked" in message(app)


def test_holder_code_dismisses_with_codes_only_after_the_rules() -> None:
    code = HolderCode(DEFAULT_PIN, NEW_PIN, NEW_PIN)
    assert "271828" not in repr(code)

"""Pilot tests: every workflow dialog's footer offers exactly the keys this operator may
take (clerk, id-administrator, and a login limited to blocking cards), and a key it does not
offer does nothing (no journal event, no state change)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Checkbox, Input

from kiosk.domain.types import Role
from kiosk.i18n import Catalogue
from kiosk.services.login import Operator
from kiosk.services.visit import Visit
from kiosk.services.workflows.activation import ActivationService
from kiosk.services.workflows.blocking import BlockingService
from kiosk.services.workflows.card_facts import CardFactsService
from kiosk.services.workflows.name_change import NameChangeService
from kiosk.services.workflows.orders import OrderService
from kiosk.services.workflows.pin_change import PinChangeService
from kiosk.services.workflows.puk import CachedPukSource
from kiosk.services.workflows.returns import ReturnService
from kiosk.services.workflows.undelivered import UndeliveredService
from kiosk.services.workflows.unlock import UnlockService
from screens.key_bar import KeyBar
from screens.workflows.activation import ActivationScreen
from screens.workflows.blocking import BlockScreen
from screens.workflows.card_facts import CardFactsScreen
from screens.workflows.deadlines import NameChangeScreen, ReturnScreen
from screens.workflows.order import OrderScreen
from screens.workflows.pin_change import PinChangeScreen
from screens.workflows.undelivered import UndeliveredScreen
from screens.workflows.unlock import UnlockScreen
from tests.support.ui_workflows import Host, settle
from tests.support.world import World, operator
from tests.ui.helpers import plain

EN = Catalogue("en")
LIMITED = "blocking_only"  # a login limited to blocking cards (outdated CRL or roster)
WHO = (Role.CLERK, Role.ID_ADMIN, LIMITED)


def _operator(who: Role | str) -> Operator:
    if who == LIMITED:
        return dataclasses.replace(operator(Role.ID_ADMIN), blocking_only=True)
    assert isinstance(who, Role)
    return operator(who)


def _visit(world: World, who: Role | str) -> Visit:
    visit = world.visit(Role.ID_ADMIN if who == LIMITED else who)  # type: ignore[arg-type]
    return dataclasses.replace(visit, operator=_operator(who))


Maker = Callable[[World, Role | str], Any]

SCREENS: dict[str, Maker] = {
    "activation": lambda w, who: ActivationScreen(
        EN, ActivationService(w.services), _visit(w, who), "K1"
    ),
    "pin_change": lambda w, who: PinChangeScreen(
        EN, PinChangeService(w.services, card_opener=w.opener()), _visit(w, who), "K1"
    ),
    "block": lambda w, who: BlockScreen(
        EN, BlockingService(w.services), _operator(who), serial="K1"
    ),
    "undelivered": lambda w, who: UndeliveredScreen(
        EN, UndeliveredService(w.services), _operator(who), "K1"
    ),
    "name_change": lambda w, who: NameChangeScreen(
        EN, NameChangeService(w.services), _operator(who), "K1"
    ),
    "return": lambda w, who: ReturnScreen(EN, ReturnService(w.services), _operator(who), "K1"),
    "order": lambda w, who: OrderScreen(EN, OrderService(w.services), _visit(w, who)),
    "card_facts": lambda w, who: CardFactsScreen(
        EN, CardFactsService(w.services), _operator(who), "K1"
    ),
}

# what each footer offers, by hand from the rules' people table: the clerk and the
# id-administrator take every one of these workflows; a login limited to blocking may only
# block (and leave); F1 help is on every screen
EVERYONE = {"close", "submit", "app.help"}
OFFERED: dict[str, dict[Role | str, set[str]]] = {
    "block": dict.fromkeys(WHO, EVERYONE),
    "card_facts": dict.fromkeys(WHO, EVERYONE),
    "return": {
        Role.CLERK: EVERYONE | {"record_end"},
        Role.ID_ADMIN: EVERYONE | {"record_end"},
        LIMITED: {"close", "app.help"},
    },
    "order": {
        Role.CLERK: EVERYONE | {"take_photo"},
        Role.ID_ADMIN: EVERYONE | {"take_photo"},
        LIMITED: {"close", "app.help"},
    },
    **{
        name: {Role.CLERK: EVERYONE, Role.ID_ADMIN: EVERYONE, LIMITED: {"close", "app.help"}}
        for name in ("activation", "pin_change", "undelivered", "name_change")
    },
}


def footer_actions(app: Any) -> set[str]:
    return {
        active.binding.action
        for active in app.screen.active_bindings.values()
        if active.binding.show and active.enabled
    }


@pytest.mark.parametrize("who", WHO, ids=str)
@pytest.mark.parametrize("name", sorted(SCREENS))
async def test_workflow_footer_offers_exactly_what_the_operator_may_take(
    world: World, name: str, who: Role | str
) -> None:
    world.card(world.spec("K1", state="active", product_number="511"))
    app = Host(lambda: SCREENS[name](world, who))
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        expected = OFFERED[name][who]
        assert footer_actions(app) == expected
        bar = plain(app.screen.query_one(KeyBar).render())
        assert ("^s" in bar) is ("submit" in expected), bar


async def test_r7_unlock_footer_for_each_operator(world: World) -> None:
    made = world.card(world.spec("K2", state="active", product_number="511"))
    world.lock(made)
    world.insert(made)
    service = UnlockService(
        world.services, card_opener=world.opener(), puk_source=CachedPukSource(world.store)
    )
    expected: dict[Role | str, set[str]] = {
        Role.CLERK: {"close", "submit", "block", "app.help"},
        Role.ID_ADMIN: {"close", "submit", "block", "order", "app.help"},
    }
    for who, offered in expected.items():
        app = Host(
            lambda who=who: UnlockScreen(
                EN, service, _visit(world, who), "K2", blocking=BlockingService(world.services)
            )
        )
        async with app.run_test(size=(120, 24)) as pilot:
            await settle(pilot)
            assert footer_actions(app) == offered, who
            if "order" not in offered:  # a clerk's Ctrl+F: no code order
                await pilot.press("ctrl+f", "ctrl+z")
                await settle(pilot)
                assert world.events() == [] and app.results == []


async def _fill_and_press(pilot: Any, world: World, keys: tuple[str, ...]) -> None:
    screen = pilot.app.screen
    for field in screen.query(Input):
        if field.id == "date":
            field.value = (world.today - dt.timedelta(days=3)).isoformat()
    for box in screen.query(Checkbox):
        if box.id == "no-photo":
            box.value = True  # the order would go without photo
    await pilot.press(*keys)
    await settle(pilot)


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("name_change", ("ctrl+s",)),
        ("return", ("shift+f2", "ctrl+s")),
        ("order", ("ctrl+s", "shift+f5")),
        ("undelivered", ("ctrl+s",)),
        ("activation", ("ctrl+s",)),
    ],
)
async def test_a_key_not_offered_does_nothing(
    world: World, name: str, keys: tuple[str, ...]
) -> None:
    """The same keys work for a clerk (the dialog does its work); for a login limited to
    blocking they are not offered and pressing them changes nothing."""
    world.card(world.spec("K1", state="active", product_number="511"))
    app = Host(lambda: SCREENS[name](world, LIMITED))
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await _fill_and_press(pilot, world, keys)
        assert app.screen.result is None and not app.screen.busy
    assert world.events() == [] and world.refusals() == []
    assert world.state("K1") == "active"
    clerk = Host(lambda: SCREENS[name](world, Role.CLERK))
    async with clerk.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await _fill_and_press(pilot, world, keys[:1])
    assert world.events() or world.refusals(), "the key does something for a clerk"

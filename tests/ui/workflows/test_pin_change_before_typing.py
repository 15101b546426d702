"""PIN change: every check that needs neither the card nor a PIN runs before anyone types
a PIN (R8): the screen says the refusal at once and shows no code fields."""

from __future__ import annotations

import dataclasses

import pytest
from textual.widgets import Input

from kiosk.domain.types import Role
from kiosk.errors import ActionLimitedToBlockingError, DomainError
from kiosk.i18n import Catalogue
from kiosk.services.workflows.errors import NoHolderInVisitError
from kiosk.services.workflows.pin_change import PinChangeService
from screens.workflows.pin_change import PinChangeScreen
from tests.support.ui_workflows import Host, message, settle
from tests.support.world import World

EN = Catalogue("en")


def _service(world: World) -> PinChangeService:
    return PinChangeService(world.services, card_opener=world.opener())


def test_r8_pin_change_checks_before_typing_refuse_a_locked_card(world: World) -> None:
    world.card(world.spec("P2", state="locked", product_number="511"))
    with pytest.raises(DomainError):
        _service(world).check_before_typing(world.visit(), "P2")


def test_r8_pin_change_checks_before_typing_need_the_holder(world: World) -> None:
    world.card(world.spec("P3", state="active", product_number="511"))
    no_holder = dataclasses.replace(world.visit(), holder=None)
    with pytest.raises(NoHolderInVisitError):
        _service(world).check_before_typing(no_holder, "P3")
    limited = world.visit(Role.CLERK)
    limited = dataclasses.replace(
        limited, operator=dataclasses.replace(limited.operator, blocking_only=True)
    )
    with pytest.raises(ActionLimitedToBlockingError):
        _service(world).check_before_typing(limited, "P3")
    _service(world).check_before_typing(world.visit(), "P3")  # an active card: go ahead


async def test_r8_pin_change_screen_refuses_before_anyone_types(world: World) -> None:
    world.card(world.spec("P4", state="locked", product_number="511"))
    service = _service(world)
    app = Host(lambda: PinChangeScreen(EN, service, world.visit(), "P4"))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert not any(field.display for field in app.screen.query(Input))
        assert message(app).strip(), "no refusal shown before typing"
        assert app.screen.refused_before_typing


async def test_r7_unlock_footer_offers_ordering_codes_to_id_admins_only(world: World) -> None:
    from tests.ui.workflows.test_unlock_screen import host, locked

    locked(world, "P5", "511")
    for role, offered in ((Role.CLERK, False), (Role.ID_ADMIN, True)):
        app = host(world, "P5", role)
        async with app.run_test() as pilot:
            await settle(pilot)
            actions = {b.binding.action for b in app.screen.active_bindings.values()}
            assert ("order" in actions) is offered, role
            assert "replacement" not in actions  # only for a card that cannot be saved

"""No refusal after the holder has typed: the unlock screen runs every check that needs no
card before anyone types a PIN, and a PUK-blocked card goes straight to 'block it and order
a replacement card' (Ctrl+Z)."""

from __future__ import annotations

from textual.widgets import Input

from kiosk.domain.types import Role
from kiosk.errors import ActionNotPermittedError
from kiosk.i18n import Catalogue
from kiosk.services.workflows.errors import CardCannotBeSavedError
from kiosk.services.workflows.puk import CachedPukSource
from kiosk.services.workflows.unlock import UnlockService
from tests.support.ui_workflows import message, settle
from tests.support.world import World
from tests.ui.workflows.test_unlock_screen import host, locked

EN = Catalogue("en")


def _service(world: World) -> UnlockService:
    return UnlockService(
        world.services, card_opener=world.opener(), puk_source=CachedPukSource(world.store)
    )


def test_r7_in_person_unlock_refused_for_a_clerk_in_the_plan(world: World) -> None:
    locked(world, "B701", "701")
    plan = _service(world).plan(world.visit(Role.CLERK), "B701")
    assert isinstance(plan.refusal, ActionNotPermittedError)
    assert _service(world).plan(world.visit(Role.ID_ADMIN), "B701").refusal is None


def test_r7_puk_blocked_card_refused_in_the_plan(world: World) -> None:
    world.card(world.spec("B702", state="puk_blocked", product_number="511"))
    plan = _service(world).plan(world.visit(Role.ID_ADMIN), "B702")
    assert isinstance(plan.refusal, CardCannotBeSavedError)


async def test_r7_clerk_learns_before_typing_that_in_person_unlock_is_for_id_admins(
    world: World,
) -> None:
    locked(world, "B703", "701")
    app = host(world, "B703", Role.CLERK)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert not any(field.display for field in app.screen.query(Input))
        refusal = app.screen.plan.refusal
        assert isinstance(refusal, ActionNotPermittedError)
        assert EN.error(refusal) in message(app)


async def test_r7_puk_blocked_card_replacement_key_works(world: World) -> None:
    world.card(world.spec("B704", state="puk_blocked", product_number="511"))
    app = host(world, "B704", Role.ID_ADMIN)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert not any(field.display for field in app.screen.query(Input))
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert app.screen.result is not None, "Ctrl+Z ordered no replacement card"
        assert [event[0] for event in world.events()][-1] == "order.replacement_card"

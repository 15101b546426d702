from __future__ import annotations

from kiosk.i18n import Catalogue
from kiosk.services.workflows.activation import ActivationService
from screens.workflows.activation import ActivationScreen
from tests.support.ui_workflows import Host, message, settle
from tests.support.world import OTHER_OFFICE, OTHER_OFFICE_NAME, World
from tests.ui.helpers import type_text


def host(world: World, serial: str | None = None, **visit_kw: object) -> Host:
    return Host(
        lambda: ActivationScreen(
            Catalogue("en"),
            ActivationService(world.services),
            world.visit(**visit_kw),
            serial,  # type: ignore[arg-type]
        )
    )


async def test_r2_activation_screen_happy_path(world: World) -> None:
    world.card(world.spec("A1"))
    app = host(world)
    async with app.run_test() as pilot:
        await type_text(pilot, "A1")
        await pilot.press("enter")
        await settle(pilot)
        assert "can be activated" in message(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "A1 is activated" in message(app)
        await pilot.press("escape")
        await settle(pilot)
    assert world.state("A1") == "active"
    assert app.results[0].serial == "A1"


async def test_r2_activation_screen_names_the_office_to_go_to(world: World) -> None:
    world.card(world.spec("A2", photo_office_id=OTHER_OFFICE))
    app = host(world, "A2")
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert OTHER_OFFICE_NAME in message(app)
        await pilot.press("escape")
        await settle(pilot)
    assert world.state("A2") == "shipped" and app.results == [None]


async def test_r3_activation_screen_replaced_card_cut_it_up(world: World) -> None:
    world.card(world.spec("A3", state="replaced"))
    app = host(world, "A3")
    async with app.run_test() as pilot:
        await pilot.press("enter")
        await settle(pilot)
        assert "cut it up and throw it away" in message(app).lower()


async def test_r1_activation_screen_needs_identity_check(world: World) -> None:
    world.card(world.spec("A4"))
    app = host(world, "A4", document=None)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "identity has not been checked" in message(app)
    assert world.state("A4") == "shipped"


async def test_activation_screen_in_swedish(world: World) -> None:
    world.card(world.spec("A5"))
    app = Host(
        lambda: ActivationScreen(
            Catalogue("sv"), ActivationService(world.services), world.visit(), "A5"
        )
    )
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "är aktiverat" in message(app)

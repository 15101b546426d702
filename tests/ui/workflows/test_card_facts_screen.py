"""The card-facts screen (R7, R9, R12): the register lacks the product number, the clerk
reads it from the back of the card and types it twice; entries that differ are refused
before anything is written. Snapshots at 80×24 in Swedish and English."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.i18n import Catalogue
from kiosk.services.workflows.card_facts import CardFactsService
from screens.workflows.card_facts import CardFactsScreen
from tests.support.ui_workflows import Host, message, settle
from tests.support.world import CLERK, World, operator
from tests.ui.helpers import type_text

SIZE = (80, 24)


def host(world: World, serial: str | None, lang: str = "en") -> Host:
    return Host(
        lambda: CardFactsScreen(
            Catalogue(lang), CardFactsService(world.services), operator(), serial
        )
    )


async def test_r7_product_number_typed_twice_is_saved_and_journaled(world: World) -> None:
    world.card(world.spec("F801", state="active", product_number=None))
    app = host(world, None)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "F801")
        await pilot.press("enter")
        await settle(pilot)
        assert "lacks facts for card F801" in message(app)
        await type_text(pilot, "712")
        await pilot.press("enter")
        await type_text(pilot, "712")
        await pilot.press("enter")  # Enter on the last field saves
        await settle(pilot)
        assert "F801 are saved" in message(app)
        await pilot.press("escape")
        await settle(pilot)
    ((event_type, payload, _, who),) = world.events()
    assert event_type == "card.facts_entered" and who == CLERK
    assert payload["product_number"] == "712"
    assert app.results[0].serial == "F801"


async def test_r7_entries_that_differ_are_refused_and_nothing_is_written(world: World) -> None:
    world.card(world.spec("F802", state="active", product_number=None))
    app = host(world, "F802")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "712")
        await pilot.press("enter")
        await type_text(pilot, "711")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "two entries differ" in message(app)
    assert world.events() == []


async def test_a_card_whose_register_has_everything_asks_nothing(world: World) -> None:
    world.card(world.spec("F803", state="active", product_number="511"))
    app = host(world, "F803", "sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "har redan produktnummer" in message(app)
        assert not app.screen.query_one("#product").display


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_snapshot_card_facts(snap_compare: Any, world: World, lang: str) -> None:
    world.card(world.spec("F804", state="active", product_number=None))

    async def looked_up(pilot: Any) -> None:
        await settle(pilot)

    assert snap_compare(host(world, "F804", lang), terminal_size=SIZE, run_before=looked_up)

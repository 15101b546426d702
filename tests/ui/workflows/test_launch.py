"""The palette entries the app wires: every workflow opens its screen from the entry."""

from __future__ import annotations

from typing import Any

from textual.app import App

from kiosk.i18n import Catalogue
from kiosk.services.workflows.container import build_workflows
from screens.workflows.launch import workflow_entries
from tests.support.ui_workflows import settle
from tests.support.world import World, operator


class Palette(App[None]):
    def __init__(self, entries: list[Any]) -> None:
        super().__init__()
        self.entries = entries
        self.results: list[Any] = []


async def test_every_entry_opens_its_screen_and_activation_runs(world: World) -> None:
    made = world.card(world.spec("Q1"))
    world.insert(made)
    flows = build_workflows(
        store=world.store, journal=world.journal, card_opener=world.opener(), clock=world.clock
    )
    entries = workflow_entries(
        Catalogue("sv"), flows, visit=world.visit, operator=operator, serial=lambda: "Q1"
    )
    assert [e.name for e in entries] == [
        "activation",
        "unlock",
        "pin_change",
        "block",
        "undelivered",
        "name_change",
        "return",
        "order",
        "card_facts",
    ]
    assert len({e.suggested_key for e in entries}) == len(entries)
    assert all(not e.title.startswith("⟨") and not e.help.startswith("⟨") for e in entries)
    app = Palette(entries)
    async with app.run_test() as pilot:
        for entry in entries:
            app.push_screen(entry.make(), app.results.append)
            await settle(pilot)
            assert type(app.screen).__name__.endswith("Screen")
            await pilot.press("escape")
            await settle(pilot)
        app.push_screen(entries[0].make(), app.results.append)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    assert world.state("Q1") == "active"
    assert app.results[-1].serial == "Q1"


def test_visit_entries_refuse_without_visit(world: World) -> None:
    import pytest

    from kiosk.services.workflows.errors import NoHolderInVisitError

    flows = build_workflows(
        store=world.store, journal=world.journal, card_opener=world.opener(), clock=world.clock
    )
    entries = workflow_entries(Catalogue("en"), flows, visit=lambda: None, operator=operator)
    for entry in entries:
        if entry.needs_visit:
            with pytest.raises(NoHolderInVisitError):
                entry.make()
        else:
            assert entry.make() is not None

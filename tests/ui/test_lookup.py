"""Lookup by personnummer, name or card serial: cards, states, deadlines, journal history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.widgets import DataTable

from clock import LOCAL_ZONE, local_date
from kiosk.i18n import Catalogue
from screens.lookup import LookupScreen
from tests.support.ui_world import DEADLINE_IN_DAYS, World, make_app
from tests.ui.helpers import log_in, settle, text_of, type_text

SV = Catalogue("sv")


async def _lookup(world: World, query: str) -> tuple[str, str]:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f3")
        assert isinstance(app.screen, LookupScreen)
        await type_text(pilot, query)
        await pilot.press("enter")
        await settle(pilot)
        return text_of(app, "#lookup-message"), _detail_and_history(app)


def _detail_and_history(app: Any) -> str:
    """The detail pane's text and its history list (a table, to reprint from) row by row."""
    history = app.screen.query_one("#history", DataTable)
    rows = [" ".join(str(cell) for cell in history.get_row_at(i)) for i in range(history.row_count)]
    return "\n".join([text_of(app, "#detail"), *rows]).strip()


async def test_lookup_by_personnummer_shows_cards_deadlines_history(world: World) -> None:
    now = world.clock()
    due = local_date(now) + dt.timedelta(days=DEADLINE_IN_DAYS)
    activated = (now - dt.timedelta(days=5)).astimezone(LOCAL_ZONE)
    message, detail = await _lookup(world, "19850312-2387")
    assert "personnummer" in message
    assert "Åsa Linnéa Öberg" in detail
    assert "9752269000000201" in detail and "aktivt" in detail
    assert due.isoformat() in detail and SV("ui.deadline.name_change") in detail
    assert f"{activated:%Y-%m-%d %H:%M}" in detail and SV("ui.event.card.activated") in detail
    assert "Clara Kvist" in detail  # the operator by the roster's name


async def test_lookup_by_card_serial(world: World) -> None:
    message, detail = await _lookup(world, "9752269000000202")
    assert "kortnummer" in message
    assert "Jöns Ülrik Lindqvist" in detail and "LoA2" in detail


async def test_lookup_by_name(world: World) -> None:
    message, detail = await _lookup(world, "Nyström")
    assert "namn" in message
    assert "PIN låst" in detail


async def test_lookup_by_a_name_word_with_diacritics_folded(world: World) -> None:
    message, detail = await _lookup(world, "oberg")
    assert "namn" in message
    assert "Åsa Linnéa Öberg" in detail and "9752269000000201" in detail


async def test_lookup_by_birth_date(world: World) -> None:
    message, detail = await _lookup(world, "850312")
    assert SV("ui.lookup.kind.birth_date") in message
    assert "Åsa Linnéa Öberg" in detail


async def test_lookup_by_part_of_a_word_finds_no_one(world: World) -> None:
    """The store searches whole name words: "er" (in Per, Erik, Öberg) names no one."""
    message, detail = await _lookup(world, "er")
    assert message == SV("ui.lookup.none", kind=SV("ui.lookup.kind.name"))
    assert detail == ""


async def test_lookup_without_match_says_so(world: World) -> None:
    message, detail = await _lookup(world, "Ingen Alls")
    assert message == SV("ui.lookup.none", kind=SV("ui.lookup.kind.name"))
    assert detail == ""


async def test_lookup_several_matches_then_choose(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f3")
        await type_text(pilot, "ulrik")  # a whole name word, diacritics folded ("Ülrik")
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#lookup-message").startswith("Träffar: 2 (namn)")
        assert text_of(app, "#detail") == ""
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#detail") != ""


async def test_lookup_is_not_reachable_when_locked(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        assert not isinstance(app.screen, LookupScreen)

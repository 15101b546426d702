"""Snapshots of the main screens at 80×24, in Swedish and English (fixed clock and data).

The screens show dates (certificate validity, photo and deadline dates, journal history)
and the scanned zone, so the snapshots pin their own instant and their own documents
instead of the suite's clock: they look the same on any day.

Update after an intended change with ``pytest tests/ui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from clock import FixedClock
from tests.support.ui_world import World, build_world, limit_logins_by_outdated_list, make_app
from tests.ui.helpers import log_in, settle, type_text

SIZE = (80, 24)
SNAPSHOT_NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SNAPSHOT_DOCUMENTS: dict[str, tuple[str, ...]] = {
    # Åsa Linnéa Öberg, 19850312-2387: Swedish passport valid to 2031-06-30.
    "swedish-passport": (
        "P<SWEOEBERG<<AASA<LINNEA<<<<<<<<<<<<<<<<<<<<",
        "AB12345671SWE8503127F31063058503122387<<<<78",
    ),
    # Kari Haugen: Norwegian passport valid to 2029-10-09.
    "foreign-passport": (
        "P<NORHAUGEN<<KARI<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "NX00412731NOR8809014F2910091<<<<<<<<<<<<<<<2",
    ),
}


def snapshot_world() -> World:
    return build_world(FixedClock(SNAPSHOT_NOW), documents=SNAPSHOT_DOCUMENTS)


def _scenario(name: str, world: Any) -> Any:
    async def login(pilot: Any) -> None:
        world.insert("operator", "clerk")
        await settle(pilot)

    async def refused(pilot: Any) -> None:
        await log_in(pilot, world, "stranger")

    async def home(pilot: Any) -> None:
        await log_in(pilot, world)

    async def home_limited(pilot: Any) -> None:
        limit_logins_by_outdated_list(world)  # R9: a list past its grace, a damaged list
        await log_in(pilot, world)

    async def home_diverged(pilot: Any) -> None:
        # the journal does not match the central's: the alarm first in the status bar
        world.sync.value = replace(world.sync.value, journal_diverged=True, blocks_outside_chain=1)
        await log_in(pilot, world)

    async def lookup(pilot: Any) -> None:
        await log_in(pilot, world)
        await pilot.press("f3")
        await type_text(pilot, "198503122387")
        await pilot.press("enter")
        await settle(pilot)
        # the history rows arrive from a second worker, and a DataTable sizes its columns
        # on the refresh after its rows: wait for both, however busy the machine
        history = pilot.app.screen.query_one("#history")
        for _ in range(100):
            if history.row_count:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.1)
        await settle(pilot)

    async def visit(pilot: Any) -> None:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        world.readers.scan(world.zone("swedish-passport"))
        await settle(pilot)
        world.insert("customer", "asa")
        await settle(pilot)

    async def card_test(pilot: Any) -> None:
        await visit(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(pilot)

    async def panel(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)

    return {
        "login": login,
        "refused": refused,
        "home": home,
        "home_limited": home_limited,
        "home_diverged": home_diverged,
        "lookup": lookup,
        "visit": visit,
        "card_test": card_test,
        "panel": panel,
    }[name]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(
    "screen",
    [
        "login",
        "refused",
        "home",
        "home_limited",
        "home_diverged",
        "lookup",
        "visit",
        "card_test",
        "panel",
    ],
)
def test_snapshot(snap_compare: Any, screen: str, lang: str) -> None:
    world = snapshot_world()
    app = make_app(world, lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=_scenario(screen, world))

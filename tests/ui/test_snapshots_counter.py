"""Snapshots at 80×24, in Swedish and English, of the screens the counter work added: the
quit confirmation, the waiting blocks, the F1 help, the day's list of receipts, the command
palette open on the home screen. Same fixed instant and documents as ``test_snapshots``.

Update after an intended change with
``pytest tests/ui/test_snapshots_counter.py --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from clock import LOCAL_ZONE
from kiosk.reports.day import DayReport, ReceiptLine
from tests.support.ui_world import OFFICE, make_app, with_pending_blocks
from tests.ui.helpers import log_in, settle
from tests.ui.test_snapshots import SIZE, snapshot_world

ASA, JONS = "9752269000000201", "9752269000000202"


def _scenario(name: str, world: Any) -> Any:
    async def quit_confirm(pilot: Any) -> None:
        await log_in(pilot, world)
        await pilot.press("ctrl+q")
        await settle(pilot)

    async def pending_blocks(pilot: Any) -> None:
        await log_in(pilot, world)
        await pilot.press("shift+f12")
        await settle(pilot)

    async def help_over_visit(pilot: Any) -> None:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    async def day_events(pilot: Any) -> None:
        await log_in(pilot, world)
        await pilot.app.work.open_day_events()
        await settle(pilot)

    async def manual_entry(pilot: Any) -> None:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)

    async def reason(pilot: Any) -> None:
        from screens.reason import ReasonScreen

        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.app.push_screen(ReasonScreen(pilot.app.ctx))
        await settle(pilot)

    async def rejected(pilot: Any) -> None:
        await log_in(pilot, world)
        await pilot.app.run_action("rejected_events")
        await settle(pilot)

    async def palette(pilot: Any) -> None:
        await log_in(pilot, world)
        from textual.command import CommandList

        await pilot.press("ctrl+p")
        await settle(pilot)
        # the palette lists its commands from a worker, then highlights the first one
        options = pilot.app.screen.query_one(CommandList)
        for _ in range(100):
            if options.option_count and options.highlighted is not None:
                break
            await pilot.pause(0.05)
        await settle(pilot)  # the search field's cursor: drawn steadily (tests/ui/conftest.py)

    async def locked(pilot: Any) -> None:
        await log_in(pilot, world)
        await pilot.press("ctrl+l")
        await settle(pilot)

    return {
        "manual_entry": manual_entry,
        "reason": reason,
        "rejected": rejected,
        "locked": locked,
        "palette": palette,
        "quit_confirm": quit_confirm,
        "pending_blocks": pending_blocks,
        "help": help_over_visit,
        "day_events": day_events,
    }[name]


class FixedDayReport:
    """``DayReportService.build`` for the snapshot: two of the day's events with a receipt."""

    def __init__(self, now: dt.datetime) -> None:
        local = now.astimezone(LOCAL_ZONE)
        lines = (
            ReceiptLine(
                "ev-1", local - dt.timedelta(hours=2), "card.activated", ASA, "Clara Kvist"
            ),
            ReceiptLine(
                "ev-2", local - dt.timedelta(minutes=20), "card.blocked", JONS, "Clara Kvist"
            ),
        )
        self.report = DayReport(
            local.date(), OFFICE, "Solna", 2, (), (), (), (), (), receipts=lines
        )

    def build(self, day: dt.date) -> DayReport:
        return self.report


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(
    "screen",
    [
        "quit_confirm",
        "pending_blocks",
        "help",
        "day_events",
        "manual_entry",
        "reason",
        "rejected",
        "locked",
        "palette",
    ],
)
def test_snapshot(snap_compare: Any, screen: str, lang: str) -> None:
    world = snapshot_world()
    if screen == "pending_blocks":
        with_pending_blocks(world)
    if screen == "day_events":
        world.services.reports = FixedDayReport(world.clock())  # type: ignore[assignment]
    app = make_app(world, lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=_scenario(screen, world))

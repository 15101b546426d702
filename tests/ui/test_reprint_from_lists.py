"""Receipts again without the event id: from the holder's history in the lookup and from
the day's list, Enter on an entry reprints its receipt (through the receipt desk, in a
worker). The demo as ``kiosk demo`` builds it, driven by pilot."""

from __future__ import annotations

from pathlib import Path

from clock import FixedClock
from screens.day_report import DayEventsScreen
from screens.lookup import LookupScreen
from screens.receipt_list import ReprintTable
from tests.ui.helpers import settle, type_text
from tests.ui.test_receipts_app import (
    PER_ACTIVE,
    SV,
    _app,
    _block,
    _config,
    _ready_and_logged_in,
    _wait_for,
)


async def test_reprint_from_the_holders_history(tmp_path: Path, clock: FixedClock) -> None:
    app = _app(_config(tmp_path), clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready_and_logged_in(pilot, app)
        await _block(pilot, app, PER_ACTIVE, telia=True)
        await _wait_for(pilot, lambda: bool(app.receipt_flow.outcomes))
        path = app.receipt_flow.outcomes[-1].delivery.path
        assert path is not None and path.exists()
        path.unlink()
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        await type_text(pilot, PER_ACTIVE)
        await pilot.press("enter")
        await settle(pilot)
        history = app.screen.query_one("#history", ReprintTable)
        assert history.rows_shown, "the holder's history is a list of entries"
        blocked = [i for i, r in enumerate(history.rows_shown) if r.event_type == "card.blocked"]
        assert blocked
        history.focus()
        history.move_cursor(row=blocked[-1])
        await settle(pilot)
        await pilot.press("enter")
        await _wait_for(pilot, path.exists)
        assert any(SV("receipt.saved", path=path) in notice for notice in app.notices)


async def test_reprint_from_the_days_list(tmp_path: Path, clock: FixedClock) -> None:
    app = _app(_config(tmp_path), clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready_and_logged_in(pilot, app)
        await _block(pilot, app, PER_ACTIVE, telia=True)
        await _wait_for(pilot, lambda: bool(app.receipt_flow.outcomes))
        path = app.receipt_flow.outcomes[-1].delivery.path
        assert path is not None
        path.unlink()
        await pilot.press("escape")
        await settle(pilot)
        await app.work.open_day_events()
        await settle(pilot)
        assert isinstance(app.screen, DayEventsScreen)
        table = app.screen.query_one("#day-events", ReprintTable)
        serials = [r.serial for r in table.rows_shown]
        assert PER_ACTIVE in serials
        assert table.has_focus
        table.move_cursor(row=serials.index(PER_ACTIVE))
        await settle(pilot)
        await pilot.press("enter")
        await _wait_for(pilot, path.exists)
        assert any(SV("receipt.saved", path=path) in notice for notice in app.notices)

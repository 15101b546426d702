"""Snapshots at 80x24, in Swedish and English, of the dialogs that show dates or need no
card: the undelivered card (its reorder date moves with the clock, so this world runs on a
pinned instant, as ``tests/ui/test_snapshots.py`` does) and the reprint of a receipt by
its event id (the lists it is reprinted from, the holder's history and the day's events,
are in ``test_snapshots`` and ``test_snapshots_counter``).

Update after an intended change with
``pytest tests/ui/workflows/test_dated_dialog_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from clock import FixedClock
from kiosk.i18n import Catalogue
from kiosk.receipts.desk import ReceiptDesk
from kiosk.services.workflows.undelivered import UndeliveredService
from screens.workflows.receipt import ReprintScreen
from screens.workflows.undelivered import UndeliveredScreen
from tests.support.ui_workflows import Host, settle
from tests.support.world import World, open_world, operator
from tests.ui.test_snapshots import SNAPSHOT_NOW

SIZE = (80, 24)
PHOTOGRAPHED_DAYS_AGO = 18  # R3: a reorder is possible 30 days after the photo


@pytest.fixture
def pinned_world(tmp_path: Path, factory: Any, world_template: Path) -> Iterator[World]:
    """The workflow world on the snapshots' fixed instant instead of the suite's clock."""
    with open_world(tmp_path, factory, FixedClock(SNAPSHOT_NOW), world_template) as built:
        yield built


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_snapshot_undelivered_dialog(snap_compare: Any, pinned_world: World, lang: str) -> None:
    world = pinned_world
    photographed = world.today - dt.timedelta(days=PHOTOGRAPHED_DAYS_AGO)
    world.card(world.spec("S802", photo_date=photographed))
    service = UndeliveredService(world.services, new_order_id=lambda: "NEW-1")
    app = Host(lambda: UndeliveredScreen(Catalogue(lang), service, operator(), "S802"))

    async def looked_up(pilot: Any) -> None:
        await settle(pilot)  # the card's shipment and reorder date have arrived

    assert snap_compare(app, terminal_size=SIZE, run_before=looked_up)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_snapshot_reprint_by_event_id(snap_compare: Any, lang: str) -> None:
    # the desk is asked only on Ctrl+S: the dialog as it opens needs none
    desk = cast(ReceiptDesk, object())
    app = Host(lambda: ReprintScreen(Catalogue(lang), desk))

    async def opened(pilot: Any) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=opened)

"""The sync worker never dies, and the status bar says since when sync is failing."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from clock import LOCAL_ZONE, FixedClock, local_date
from kiosk.i18n import Catalogue
from kiosk.services.status import StatusSnapshot, SyncFigures, format_since
from kiosk.services.store_views import SyncClientFigures
from screens.status_bar import render_status
from store.database import Store, open_store
from store.journal import Journal
from store.keys import KioskKeys
from store.sync import CentralTransport, RoundReport, SyncClient, SyncWorker
from tests.support.pgserver import free_port

PNR = "191212121212"


@pytest.fixture
def client(tmp_path: Path, clock: FixedClock) -> Iterator[SyncClient]:
    store: Store = open_store(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", KioskKeys.generate())
    transport = CentralTransport(f"http://127.0.0.1:{free_port()}", timeout=0.5)
    journal = Journal("kiosk-1", store.keys, store.cipher, clock=clock)
    yield SyncClient(store=store, journal=journal, transport=transport)
    transport.close()
    store.close()


def test_the_worker_survives_any_error_logs_no_data_and_says_since_when(
    client: SyncClient, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A round that raises something no one expected (here a ValueError quoting a
    personnummer, as date parsing of a pulled row did) ends the round; the worker
    runs the next ones with backoff, the status says since when sync fails, and the
    first round that goes through clears it."""
    outcomes: list[str] = ["raise", "raise", "raise", "ok"]
    reports: list[RoundReport] = []
    done = threading.Event()

    def run_round() -> RoundReport:
        outcome = outcomes.pop(0) if outcomes else "ok"
        if outcome == "raise":
            raise ValueError(f"Invalid isoformat string: {PNR!r}")
        return RoundReport(online=True)

    def record(report: RoundReport) -> None:
        reports.append(report)
        if len(reports) == 3:
            failing.append(client.status().failing_since)
        if len(reports) >= 4:
            done.set()

    failing: list[object] = []
    client.run_round = run_round  # type: ignore[method-assign]
    worker = SyncWorker(client, interval=3600, min_backoff=0.01, max_backoff=0.02, on_report=record)
    with caplog.at_level(logging.DEBUG):
        worker.start()
        try:
            assert done.wait(20), "the worker stopped after a round raised"
        finally:
            worker.stop()
    assert [r.failed for r in reports[:4]] == [True, True, True, False]
    assert failing == [clock()]  # since the first failed round
    assert client.failing_since is None  # the round that went through cleared it
    assert "sync round failed: ValueError at" in caplog.text
    assert PNR not in caplog.text and PNR[2:] not in caplog.text


def test_a_failed_round_backs_off_like_an_unreachable_central(client: SyncClient) -> None:
    worker = SyncWorker(client, interval=30, min_backoff=1, max_backoff=4)
    failed = RoundReport(online=True, failed=True)
    assert [worker.next_delay(failed) for _ in range(4)] == [1, 2, 4, 4]
    assert worker.next_delay(RoundReport(online=True)) == 30


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_status_bar_says_sync_is_failing_and_since_when(
    client: SyncClient, clock: FixedClock, lang: str
) -> None:
    catalogue = Catalogue(lang)
    client.round_failed()
    figures = SyncClientFigures(client).figures()
    assert figures.failing_since == format_since(clock(), clock())
    line = render_status(catalogue, StatusSnapshot(office="KK-SOLNA", figures=figures)).plain
    expected = catalogue("ui.status.sync_failing", since=figures.failing_since)
    assert expected in line and str(figures.failing_since) in line
    well = render_status(
        catalogue, StatusSnapshot(office="KK-SOLNA", figures=SyncFigures(True, 0, 0, None))
    ).plain
    assert catalogue("ui.status.online") in well and expected not in well


def test_since_is_a_time_today_and_a_date_before(clock: FixedClock) -> None:
    now = clock()
    earlier = now - timedelta(days=2)
    assert format_since(None, now) is None
    assert format_since(now, now) == now.astimezone(LOCAL_ZONE).strftime("%H:%M")
    assert format_since(earlier, now) == local_date(earlier).isoformat()

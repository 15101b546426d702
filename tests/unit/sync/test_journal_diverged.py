"""While the journal is recorded as diverged from the central, new events are refused
with a typed error, except card blocks (R9), and the status bar shows the alarm."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clock import FixedClock
from kiosk.i18n import Catalogue
from kiosk.services.status import StatusSnapshot, SyncFigures
from kiosk.services.store_views import SyncClientFigures
from protocol.checkpoint import DivergenceKind
from screens.status_bar import render_status
from store.checkpoints import Divergence, clear_divergence, record_divergence
from store.database import Store, open_store
from store.errors import JournalDivergedError
from store.journal import PRIORITY_BLOCK, Journal
from store.keys import KioskKeys
from store.sync import SyncClient
from tests.support.payloads import complete


@pytest.fixture
def kiosk(tmp_path: Path, clock: FixedClock) -> Iterator[tuple[Store, Journal]]:
    store = open_store(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", KioskKeys.generate())
    yield store, Journal("kiosk-1", store.keys, store.cipher, clock=clock)
    store.close()


def _append(store: Store, journal: Journal, event_type: str) -> None:
    priority = PRIORITY_BLOCK if event_type == "card.blocked" else 1
    payload = complete(event_type, {"serial": "SN1"}, office="KK-SOLNA")
    with store.unit_of_work() as session:
        journal.append(
            session,
            event_type=event_type,  # type: ignore[arg-type]
            operator="SE2321000016-CLK1",
            payload=payload,
            priority=priority,
        )


def test_r9_a_diverged_journal_refuses_writes_but_never_a_block(
    kiosk: tuple[Store, Journal], clock: FixedClock
) -> None:
    store, journal = kiosk
    _append(store, journal, "card.activated")
    with store.unit_of_work() as session:
        record_divergence(
            session, "kiosk-1", Divergence(DivergenceKind.BEHIND, 1, clock().isoformat())
        )
    with pytest.raises(JournalDivergedError) as refused:
        _append(store, journal, "card.activated")
    assert refused.value.key == "error.journal.diverged"
    for lang in ("sv", "en"):
        assert Catalogue(lang).error(refused.value)
    _append(store, journal, "card.blocked")  # R9: a block is never stopped
    with store.read_only() as session:
        assert journal.count(session) == 2
    with store.unit_of_work() as session:
        clear_divergence(session, "kiosk-1")
    _append(store, journal, "card.activated")


def test_the_status_bar_shows_the_alarm_first_in_both_languages(
    kiosk: tuple[Store, Journal], clock: FixedClock
) -> None:
    store, journal = kiosk
    client = SyncClient(store=store, journal=journal, transport=None)  # type: ignore[arg-type]
    assert not SyncClientFigures(client).figures().journal_diverged
    with store.unit_of_work() as session:
        record_divergence(
            session, "kiosk-1", Divergence(DivergenceKind.FORK, 1, clock().isoformat())
        )
    figures = SyncClientFigures(client).figures()
    assert figures.journal_diverged
    for lang, text in (("sv", "JOURNALEN AVVIKER"), ("en", "JOURNAL DIVERGED")):
        snapshot = StatusSnapshot(office="KK-SOLNA", operator="Anna", role="clerk", figures=figures)
        line = render_status(Catalogue(lang), snapshot).plain.splitlines()[0]
        assert line.startswith(text), line
        calm = StatusSnapshot(office="KK-SOLNA", figures=SyncFigures(True, 0, 0, None))
        assert text not in render_status(Catalogue(lang), calm).plain

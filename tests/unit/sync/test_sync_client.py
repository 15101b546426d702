"""The kiosk side without a central: offline rounds lose nothing, status figures,
backoff of the worker, and applying pulled changes to the kiosk tables."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from clock import FixedClock, local_date
from protocol.puk import open_puk, seal_puk
from protocol.wire import PullPage, PullTable
from store.database import Store, open_store
from store.holders import holder_record
from store.journal import PRIORITY_BLOCK, Journal
from store.keys import KioskKeys
from store.lookup import Lookup
from store.models import Card, Holder, Operator, PukCache
from store.puk_cache import get_puk
from store.search_terms import word_index
from store.sync import CentralTransport, RoundReport, SyncClient, SyncWorker
from store.sync.apply_pull import apply_page
from tests.support.pgserver import free_port


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", KioskKeys.generate())
    yield opened
    opened.close()


@pytest.fixture
def client(store: Store, clock: FixedClock) -> Iterator[SyncClient]:
    transport = CentralTransport(f"http://127.0.0.1:{free_port()}", timeout=0.5)
    journal = Journal("kiosk-1", store.keys, store.cipher, clock=clock)
    yield SyncClient(store=store, journal=journal, transport=transport)  # the journal's clock
    transport.close()


def test_the_client_reads_the_journals_clock_unless_given_one(
    store: Store, client: SyncClient, clock: FixedClock
) -> None:
    assert client.clock is client.journal.clock is clock
    own = FixedClock(clock() + timedelta(hours=1))
    other = SyncClient(store=store, journal=client.journal, transport=client.transport, clock=own)
    assert other.clock is own


def test_offline_round_keeps_every_event_and_reports_waiting_blocks(
    store: Store, client: SyncClient, now: datetime
) -> None:
    start = now - timedelta(hours=1)
    with store.unit_of_work() as session:
        client.journal.append(
            session, event_type="identity.checked", operator="CLK", payload={}, now=start
        )
        client.journal.append(
            session,
            event_type="card.blocked",
            operator="CLK",
            payload={"serial": "S1"},
            priority=PRIORITY_BLOCK,
            now=start + timedelta(minutes=30),
        )
    report = client.run_round()
    assert not report.online and report.pushed == 0
    assert report.lines() == ["offline: the central could not be reached; nothing was lost"]
    status = client.status()
    assert not status.online
    assert (status.waiting_events, status.waiting_blocks) == (2, 1)
    assert status.oldest_waiting_seconds == 3600
    assert status.oldest_block_seconds == 1800
    with store.unit_of_work() as session:
        assert len(client.journal.pending(session, 10)) == 2


def test_backoff_doubles_while_offline_and_resets_online(client: SyncClient) -> None:
    worker = SyncWorker(client, interval=30, min_backoff=1, max_backoff=8)
    offline, online = RoundReport(online=False), RoundReport(online=True)
    delays = [worker.next_delay(offline) for _ in range(6)]
    assert delays == [1, 2, 4, 8, 8, 8]
    assert worker.next_delay(online) == 30
    assert worker.next_delay(offline) == 1
    for _ in range(5):
        worker.next_delay(offline)
    assert worker.next_delay(offline) == 8
    worker.block_retry = 3
    assert worker.next_delay(offline, blocks_waiting=True) == 3  # blocks waiting: retry soon


def test_worker_runs_a_round_at_once_on_sync_now(client: SyncClient) -> None:
    reports: list[RoundReport] = []
    done = threading.Event()

    def record(report: RoundReport) -> None:
        reports.append(report)
        if len(reports) >= 2:
            done.set()

    worker = SyncWorker(client, interval=3600, min_backoff=3600, on_report=record)
    worker.start()
    try:
        worker.sync_now()
        assert done.wait(20), "sync now did not start a round"
    finally:
        worker.stop()
    assert all(not r.online for r in reports)


def _page(**tables: tuple[tuple[str, ...], list[list[object]]]) -> PullPage:
    return PullPage(
        cursor=0,
        more=False,
        tables={name: PullTable(cols, rows) for name, (cols, rows) in tables.items()},
    )


OFFICE_KEY = b"\x01" * 32
CARD_COLS = ("change_id", "serial", "office_id", "holder_id", "product_number", "state", "data")


def test_apply_page_writes_kiosk_tables_and_the_central_wins(store: Store, now: datetime) -> None:
    first = _page(
        operator=(
            ("change_id", "hsa_id", "role", "office_id", "active"),
            [[1, "CLK", "clerk", "KK-SOLNA", True]],
        ),
        card=(
            CARD_COLS,
            [[2, "S1", "KK-SOLNA", "H1", "701", "shipped", {"order_date": "2026-10-01"}]],
        ),
        holder=(
            ("change_id", "holder_id", "office_id", "data"),
            [[3, "H1", "KK-SOLNA", {"personnummer": "198001019876", "name": "Anna Test"}]],
        ),
        puk=(
            ("change_id", "serial", "office_id", "ciphertext"),
            [[4, "S1", "KK-SOLNA", seal_puk(OFFICE_KEY, "S1", "12345678")]],
        ),
    )
    with store.unit_of_work() as session:
        assert apply_page(store, session, first, now=now, puk_key=OFFICE_KEY) == 4
    # a card whose holder arrives in a later page gets a placeholder holder first
    later = _page(
        card=(
            CARD_COLS,
            [
                [5, "S1", "KK-SOLNA", "H1", "701", "blocked", {"order_date": "2026-10-01"}],
                [6, "S2", "KK-SOLNA", "H2", "511", "active", {}],
            ],
        )
    )
    with store.unit_of_work() as session:
        apply_page(store, session, later, now=now)
    with store.unit_of_work() as session:
        cards = {c.serial: c for c in session.execute(select(Card)).scalars()}
        holders = {h.id: h for h in session.execute(select(Holder)).scalars()}
        operator = session.execute(select(Operator)).scalar_one()
        puk = session.execute(select(PukCache)).scalar_one()
        assert (cards["S1"].state, cards["S1"].holder_id) == ("blocked", "H1")
        assert cards["S1"].order_date.isoformat() == "2026-10-01"
        assert cards["S2"].holder_id == "H2" and set(holders) == {"H1", "H2"}
        assert cards["S2"].order_date == local_date(now)  # no order date pulled: today
        holder = holders["H1"]
        assert holder.personnummer_idx == store.cipher.personnummer_index("198001019876")
        assert b"198001019876" not in holder.personnummer_enc
        record = holder_record(store.cipher, holder)  # the store's own reader
        assert (record.personnummer, record.name) == ("198001019876", "Anna Test")
        assert holder.name_idx == store.cipher.name_index("Anna Test")
        assert (operator.hsa_id, operator.role) == ("CLK", "clerk")
        assert b"12345678" not in puk.puk_enc
        assert get_puk(session, store.cipher, "S1") == "12345678"
    lookup = Lookup(store)  # the store's lookups find the pulled holder
    try:
        found = lookup.holder_by_personnummer("198001019876")
        assert found is not None and (found.id, found.name) == ("H1", "Anna Test")
        assert [h.id for h in lookup.holders_by_name("anna  TEST")] == ["H1"]
    finally:
        lookup.close()


def test_a_pulled_holder_is_found_by_name_word_and_a_rename_replaces_the_words(
    store: Store, now: datetime
) -> None:
    columns = ("change_id", "holder_id", "office_id", "data")

    def pull(change_id: int, name: str) -> None:
        data = {"personnummer": "198001019876", "name": name}
        with store.unit_of_work() as session:
            apply_page(
                store,
                session,
                _page(holder=(columns, [[change_id, "H1", "KK-SOLNA", data]])),
                now=now,
            )

    def found(word: str) -> list[str]:
        lookup = Lookup(store)
        try:
            return [h.id for h in lookup.holders_with_terms([word_index(store.cipher, word)], 10)]
        finally:
            lookup.close()

    pull(1, "Anna Öberg")
    assert (found("oberg"), found("anna")) == (["H1"], ["H1"])
    pull(2, "Anna Lind")  # a name change pulled from the central
    assert (found("oberg"), found("lind"), found("anna")) == ([], ["H1"], ["H1"])


def test_puk_entries_need_the_office_key(store: Store, now: datetime) -> None:
    page = _page(
        holder=(("change_id", "holder_id", "office_id", "data"), [[1, "H1", "KK-SOLNA", {}]]),
        card=(CARD_COLS, [[2, "S1", "KK-SOLNA", "H1", "701", "active", {}]]),
        puk=(
            ("change_id", "serial", "office_id", "ciphertext"),
            [[3, "S1", "KK-SOLNA", seal_puk(OFFICE_KEY, "S1", "12345678")]],
        ),
    )
    with store.unit_of_work() as session:
        apply_page(store, session, page, now=now)  # no key: not cached
        apply_page(store, session, page, now=now, puk_key=b"\x02" * 32)  # wrong key: not cached
        assert get_puk(session, store.cipher, "S1") is None
    with pytest.raises(ValueError, match="office key"):
        open_puk(OFFICE_KEY, "S2", seal_puk(OFFICE_KEY, "S1", "12345678"))  # moved entry

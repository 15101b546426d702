"""The next push batch is read while the central works on this one (store.sync.outbox):
the batches sent, and their order, are what a fresh read each time would give."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from clock import FixedClock
from store.database import Store, open_store
from store.journal import PRIORITY_BLOCK, Journal
from store.keys import KioskKeys
from store.sync import SyncClient
from store.sync.outbox import NextBatch


class FakeCentral:
    """Answers each pushed event ``accepted``, except those ``unanswered`` picks; calls
    ``during`` (once) while the first push is in flight."""

    def __init__(self, unanswered: Any = None, during: Any = None) -> None:
        self.batches: list[list[int]] = []
        self.unanswered = unanswered or (lambda batch, seq: False)
        self.during = during

    def push(self, kiosk_id: str, events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        if self.during is not None:
            self.during()
            self.during = None
        batch = len(self.batches)
        self.batches.append([int(e["seq"]) for e in events])
        results = [
            {"event_id": e["event_id"], "seq": e["seq"], "status": "accepted"}
            for e in events
            if not self.unanswered(batch, int(e["seq"]))
        ]
        return {"kiosk_id": kiosk_id, "head_seq": 0, "results": results}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", KioskKeys.generate())
    yield opened
    opened.close()


def _journal(store: Store, clock: FixedClock, count: int) -> Journal:
    journal = Journal("kiosk-1", store.keys, store.cipher, clock=clock)
    with store.unit_of_work() as session:
        for n in range(count):
            journal.append(session, event_type="refusal", operator="CLK", payload={"n": n})
    return journal


def _client(store: Store, journal: Journal, central: FakeCentral) -> SyncClient:
    return SyncClient(store=store, journal=journal, transport=central, batch_size=2)  # type: ignore[arg-type]


def test_full_batches_are_read_ahead_and_sent_in_order(store: Store, clock: FixedClock) -> None:
    journal = _journal(store, clock, 5)
    with NextBatch(store, journal, 2) as next_batch:
        assert [e.seq for e in next_batch.take()] == [1, 2]
        next_batch.read_ahead()
        next_batch.arrived()
        assert next_batch._read is not None  # read while the first batch was out
        assert [e.seq for e, _ in next_batch._read] == [3, 4]
    central = FakeCentral()
    report = _client(store, journal, central).push_pending()
    assert central.batches == [[1, 2], [3, 4], [5]]
    assert report.accepted == 5


def test_an_event_left_pending_goes_out_first_again(store: Store, clock: FixedClock) -> None:
    journal = _journal(store, clock, 5)
    central = FakeCentral(unanswered=lambda batch, seq: batch == 0 and seq == 2)
    report = _client(store, journal, central).push_pending()
    # a fresh read after the first answer: seq 2 again, not the batch read ahead (3, 4)
    assert central.batches == [[1, 2], [2, 3], [4, 5]]
    assert report.accepted == 5


def test_a_block_written_while_a_batch_is_out_still_goes_in_this_round(
    store: Store, clock: FixedClock
) -> None:
    journal = _journal(store, clock, 4)

    def block() -> None:
        with store.unit_of_work() as session:
            journal.append(
                session,
                event_type="card.blocked",
                operator="CLK",
                payload={"serial": "SN1"},
                priority=PRIORITY_BLOCK,
            )

    central = FakeCentral(during=block)
    report = _client(store, journal, central).push_pending()
    assert sorted(seq for batch in central.batches for seq in batch) == [1, 2, 3, 4, 5]
    assert report.accepted == 5

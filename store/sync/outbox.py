"""The outbox side of a push: the next batch read while this one is in flight, and the
central's answers recorded in bulk.

:class:`NextBatch` reads the pending events after the last one of the batch in flight
in a thread while the central works (a database read, no shared connection: only for a
store whose engine gives each thread its own). The main thread takes that read only
when the whole batch was answered for good; otherwise the read is discarded and the
next batch is read afresh, so events left pending come round again first. An empty
read ahead is read again afresh too: nothing added meanwhile is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from protocol.event_format import SignedEvent
from store.database import Store
from store.journal import Journal, PendingPlace
from store.models import JournalRow

MARK_CHUNK = 500  # event ids per UPDATE (SQLite takes up to 32,766 bound values)

_J = JournalRow.__table__  # type: ignore[attr-defined]
# built once: the ids are one expanding parameter, not 500 bound values coerced per call
_MARK = (
    update(_J)
    .where(_J.c.event_id.in_(bindparam("ids", expanding=True)))
    .values(sync_status=bindparam("status"), sync_reason=bindparam("reason"))
    .execution_options(synchronize_session=False)
)

_Placed = list[tuple[SignedEvent, PendingPlace]]


class NextBatch:
    """Pending events, one batch at a time, the next read ahead when asked."""

    def __init__(self, store: Store, journal: Journal, size: int) -> None:
        self._store = store
        self._journal = journal
        self._size = size
        # one connection shared by every thread (an in-memory store): no reading ahead
        self._ahead_allowed = not isinstance(store.engine.pool, StaticPool)
        self._pool: ThreadPoolExecutor | None = None
        self._last: PendingPlace | None = None  # the place of the last event taken
        self._full = False  # the batch taken was a full one: more may wait
        self._reading: Future[_Placed] | None = None
        self._read: _Placed | None = None

    def __enter__(self) -> NextBatch:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def _pending(self, after: PendingPlace | None) -> _Placed:
        with self._store.read_only() as session:
            return self._journal.pending_from(session, self._size, after)

    def take(self) -> list[SignedEvent]:
        """The next batch: the read ahead if there is one and it found events, else a
        fresh read of the pending events (blocks first, then in seq order)."""
        placed, self._read = self._read, None
        if not placed:
            placed = self._pending(None)
        self._last = placed[-1][1] if placed else None
        self._full = len(placed) >= self._size
        return [event for event, _ in placed]

    def read_ahead(self) -> None:
        """Start reading the batch after the last one taken (a full batch only)."""
        if not self._ahead_allowed or self._last is None or not self._full:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="push-read-ahead")
        self._reading = self._pool.submit(self._pending, self._last)

    def arrived(self) -> None:
        """The answer is here: wait for the read ahead before the store is written (a
        failed read is dropped: the fresh read then meets the same problem)."""
        reading, self._reading = self._reading, None
        if reading is None:
            return
        try:
            self._read = reading.result()
        except Exception:
            self._read = None

    def discard(self) -> None:
        self._read = None


def mark_many(session: Session, marks: Sequence[tuple[str, str | None, str]]) -> None:
    """Record many answers at once: ``(status, reason, event_id)`` triples.

    Same effect as ``Journal.mark`` per event in order (the last answer for an event id
    wins), as one ``UPDATE ... WHERE event_id IN (...)`` per status and reason and 500
    ids: a 1,000-event answer is a statement or two, not a thousand bound rows."""
    last: dict[str, tuple[str, str | None]] = {}
    for status, reason, event_id in marks:
        if status not in ("accepted", "rejected"):
            raise ValueError(f"not a final sync status: {status!r}")
        last[event_id] = (status, reason)
    groups: dict[tuple[str, str | None], list[str]] = {}
    for event_id, answer in last.items():
        groups.setdefault(answer, []).append(event_id)
    for (status, reason), ids in groups.items():
        for start in range(0, len(ids), MARK_CHUNK):
            chunk = ids[start : start + MARK_CHUNK]
            session.execute(_MARK, {"ids": chunk, "status": status, "reason": reason})

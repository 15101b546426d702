"""Kiosk side of sync: push the journal outbox to the central, pull its changes.

One *round* = push every pending journal event in batches (block requests first,
then in seq order), then pull changes since the stored cursor. The journal is the
outbox: an event stays ``pending`` until the central has answered ``accepted`` or
``rejected`` for it, so a round cut short anywhere (network, SIGKILL) is simply run
again; the central deduplicates by event id and answers the same.

The figures a status bar shows come from :meth:`SyncClient.status`. A
:class:`~store.sync.worker.SyncWorker` runs rounds in a thread with exponential backoff
and can be woken at once ("sync now", or when a block request was written).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import func, select, update

from protocol.checkpoint import HeadAnswer
from protocol.event_format import SignedEvent, parse_timestamp
from protocol.wire import PullPage, PushAnswer, PushStatus, WireFormatError
from store.checkpoints import divergence
from store.database import Store
from store.journal import PRIORITY_BLOCK, Journal
from store.models import JournalRow
from store.state import get_state, set_state
from store.sync.chain_guard import ChainGuard
from store.sync.crls import pull_revocation_lists
from store.sync.errors import CentralRefusedError, CentralUnreachableError
from store.sync.outbox import NextBatch, mark_many
from store.sync.outside_chain import (
    forget_settled_outside,
    pending_blocks,
    send_blocks_outside_chain,
)
from store.sync.photos import delete_old_photos, fetch_photos, send_photos
from store.sync.quarantine import QuarantinedChange, apply_page_guarded, quarantined
from store.sync.report import PendingBlock, Rejection, RoundReport, SyncStatus
from store.sync.transport import CentralTransport

log = logging.getLogger(__name__)

CURSOR_KEY = "sync.pull_cursor"
LAST_OK_KEY = "sync.last_success"
DEFAULT_BATCH = 500
DEFAULT_PULL_PAGE = 50_000
MAX_PUSH_ROUNDS = 10_000

_J = JournalRow.__table__  # type: ignore[attr-defined]


class SyncClient:
    """Runs sync rounds for one kiosk over a :class:`Store` and its :class:`Journal`."""

    def __init__(
        self,
        *,
        store: Store,
        journal: Journal,
        transport: CentralTransport,
        batch_size: int = DEFAULT_BATCH,
        pull_page: int = DEFAULT_PULL_PAGE,
        clock: Callable[[], datetime] | None = None,
        after_push_answer: Callable[[int], None] | None = None,
        puk_key: bytes | None = None,
        photo_retention_days: int = 30,
        central_key: str | None = None,
    ) -> None:
        self.store = store
        self.journal = journal
        self.kiosk_id = journal.kiosk_id
        self.transport = transport
        self.batch_size = batch_size
        self.pull_page = pull_page
        self.clock = clock or journal.clock
        self.online = False
        self.failing_since: datetime | None = None  # rounds have ended on an error since
        self._puk_key = puk_key  # the office PUK key (protocol.puk), if configured
        self.photo_retention_days = photo_retention_days
        # test/diagnostic hook, called with the batch number after an answer arrived
        # and before it is recorded (a kiosk killed here must lose nothing)
        self._after_push_answer = after_push_answer
        # the journal against the central's checkpoints and head (central_key: the
        # central's checkpoint key as configured; else pinned at the first contact)
        self.guard = ChainGuard(
            store=store,
            journal=journal,
            transport=transport,
            clock=self.clock,
            central_key=central_key,
        )

    # ----------------------------------------------------------------------- round

    def run_round(self) -> RoundReport:
        """Push everything pending, then pull. Never raises for an unreachable
        central: the report says offline and every event stays pending."""
        report = RoundReport()
        try:
            self.guard.check_local()  # offline too: the kept checkpoint
            head = self._head()
            diverged = self.guard.check_head(head) if head is not None else self.guard.diverged()
            report.diverged = diverged is not None
            if head is not None:
                self.reconcile(report, head)
            if diverged is None:  # a diverged journal is not pushed into the central's
                send_photos(self.store, self.transport, self.kiosk_id)  # before their orders
                self.push_pending(report)
            else:  # a block is never stopped (R9): it goes outside the chain
                send_blocks_outside_chain(self.store, self.journal, self.transport, report)
            self.pull(report)
            fetch_photos(self.store, self.transport, self.kiosk_id, self.clock())
            delete_old_photos(self.store, self.clock(), self.photo_retention_days)
            pull_revocation_lists(self.store, self.transport, self.kiosk_id, self.clock)
            report.online = True
            self.online = True
            with self.store.unit_of_work() as session:
                set_state(session, LAST_OK_KEY, self.clock().isoformat())
                forget_settled_outside(session)
        except CentralUnreachableError as exc:
            self.online = False
            report.online = False
            report.error = exc
        return report

    def round_failed(self) -> None:
        """A round ended on an error: sync is failing (since the first such round)."""
        if self.failing_since is None:
            self.failing_since = self.clock()

    def round_succeeded(self) -> None:
        self.failing_since = None

    # ------------------------------------------------------------------- reconcile

    def _head(self) -> HeadAnswer | None:
        """What the central holds of this kiosk's chain (None: it does not say)."""
        try:
            head = HeadAnswer.from_dict(self.transport.head(self.kiosk_id))
        except (CentralRefusedError, WireFormatError) as exc:
            log.warning("the central did not say what it holds: %s", type(exc).__name__)
            return None
        self.online = True
        return head

    def reconcile(self, report: RoundReport | None = None, head: HeadAnswer | None = None) -> int:
        """Learn from the central what it holds of this kiosk's events (the chain head
        and the blocks recorded ahead of it) and mark pending again every event it
        lacks that the local, unsigned ``sync_status`` calls answered; the push that
        follows resends them. Returns how many. A central that refuses the question
        (an older one) leaves the statuses as they are."""
        if head is None:
            head = self._head()
        if head is None:
            return 0
        with self.store.unit_of_work() as session:
            rows = session.execute(
                select(_J.c.event_id, _J.c.seq, _J.c.hash).where(
                    _J.c.kiosk_id == self.kiosk_id,
                    _J.c.sync_status != "pending",
                    _J.c.seq >= head.head_seq,
                )
            ).all()
            missing = [str(r[0]) for r in rows if not head.holds(int(r[1]))]
            at_head = next((str(r[2]) for r in rows if int(r[1]) == head.head_seq), None)
            if at_head is not None and head.head_seq and at_head != head.head_hash:
                log.warning("the central's chain head %d is not this kiosk's", head.head_seq)
            for start in range(0, len(missing), 900):
                session.execute(
                    update(_J)
                    .where(_J.c.event_id.in_(missing[start : start + 900]))
                    .values(sync_status="pending", sync_reason=None)
                    .execution_options(synchronize_session=False)
                )
        if missing:
            log.warning("the central lacks %d events marked answered here: resent", len(missing))
        if report is not None:
            report.resent += len(missing)
        return len(missing)

    # ------------------------------------------------------------------------ push

    def push_pending(self, report: RoundReport | None = None) -> RoundReport:
        """Push pending events, blocks first, until none is left or no progress."""
        report = report or RoundReport()
        resend_from: int | None = None
        last_gap: int | None = None
        with NextBatch(self.store, self.journal, self.batch_size) as next_batch:
            for batch_no in range(MAX_PUSH_ROUNDS):
                if resend_from is not None:
                    with self.store.read_only() as session:
                        events = list(
                            islice(
                                self.journal.events(session, since_seq=resend_from - 1),
                                self.batch_size,
                            )
                        )
                    report.resent += len(events)
                else:
                    events = next_batch.take()
                if not events:
                    break
                if resend_from is None:
                    next_batch.read_ahead()  # while the central works on this one
                answer = self.transport.push(self.kiosk_id, [e.to_dict() for e in events])
                next_batch.arrived()
                self.online = True
                if self._after_push_answer is not None:
                    self._after_push_answer(batch_no)
                progress, expected, settled = self._record(events, answer, report)
                report.pushed += len(events)
                if not settled or expected is not None:
                    next_batch.discard()  # events left pending come round again first
                if expected is not None:
                    if expected == last_gap:
                        log.warning("central still expects seq %d after a resend", expected)
                        break
                    # the central misses events we hold: resend from where it expects
                    last_gap = resend_from = expected
                    continue
                resend_from = None
                if not progress:
                    break
        return report

    def _record(
        self, events: Sequence[SignedEvent], answer: Mapping[str, Any], report: RoundReport
    ) -> tuple[bool, int | None, bool]:
        """Mark answered events; returns (any progress, expected seq if a gap, every
        event of the batch answered for good)."""
        by_id = {e.event_id: e for e in events}
        try:
            parsed = PushAnswer.from_dict(answer)
        except WireFormatError as exc:
            raise CentralRefusedError(status=200, detail=exc.detail) from None
        self.guard.take_checkpoint(parsed.checkpoint)
        progress = False
        gap_expected: int | None = None
        marks: list[tuple[str, str | None, str]] = []  # (status, reason, event id)
        for result in parsed.results:
            event = by_id.get(result.event_id)
            if event is None:
                continue
            status = result.status
            if result.duplicate:
                report.duplicates += 1
            if status is PushStatus.ACCEPTED:
                marks.append(("accepted", None, event.event_id))
                report.accepted += 1
                progress = True
            elif status in (PushStatus.REJECTED, PushStatus.INVALID):
                text = str(result.reason or status)
                if status is PushStatus.INVALID:
                    text = f"invalid: {text}"
                marks.append(("rejected", text, event.event_id))
                report.rejected += 1
                report.rejections.append(
                    Rejection(event.event_id, event.seq, event.event_type, text)
                )
                progress = True
            elif status is PushStatus.GAP:
                gap_expected = parsed.expected_seq
        with self.store.unit_of_work() as session:
            mark_many(session, marks)
        return progress, gap_expected, {m[2] for m in marks} == by_id.keys()

    # ------------------------------------------------------------------------ pull

    def pull(self, report: RoundReport | None = None) -> RoundReport:
        """Pull pages until the central has nothing newer; each page and the cursor
        after it commit together. The next page is fetched while this one is written."""
        from concurrent.futures import ThreadPoolExecutor

        report = report or RoundReport()
        with self.store.read_only() as session:
            cursor = int(get_state(session, CURSOR_KEY) or 0)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull") as pool:
            future = pool.submit(self.transport.pull, self.kiosk_id, cursor, self.pull_page)
            while True:
                page = PullPage.from_dict(future.result(), cursor=cursor)
                self.online = True
                new_cursor = page.cursor
                more = page.more
                if more:
                    future = pool.submit(
                        self.transport.pull, self.kiosk_id, new_cursor, self.pull_page
                    )
                with self.store.unit_of_work() as session:
                    applied, set_aside = apply_page_guarded(
                        self.store,
                        session,
                        page,
                        now=self.clock(),
                        puk_key=self._puk_key,
                    )
                    set_state(session, CURSOR_KEY, str(new_cursor))
                report.pulled += applied
                report.quarantined += len(set_aside)
                cursor = new_cursor
                if not more:
                    break
        report.cursor = cursor
        return report

    def rejected_events(self, limit: int = 100) -> list[Rejection]:
        """Events the central rejected, newest first, to show to the clerk."""
        with self.store.read_only() as session:
            rows = session.execute(
                select(_J.c.event_id, _J.c.seq, _J.c.event_type, _J.c.sync_reason)
                .where(_J.c.kiosk_id == self.kiosk_id, _J.c.sync_status == "rejected")
                .order_by(_J.c.seq.desc())
                .limit(limit)
            ).all()
        return [Rejection(str(r[0]), int(r[1]), str(r[2]), str(r[3] or "")) for r in rows]

    def pending_blocks(self, limit: int = 100) -> list[PendingBlock]:
        """Blocks not yet acknowledged by the central, oldest first (R9: they go first)."""
        with self.store.read_only() as session:
            rows = session.execute(
                select(_J.c.event_id, _J.c.seq, _J.c.event_type, _J.c.occurred_at)
                .where(
                    _J.c.kiosk_id == self.kiosk_id,
                    _J.c.sync_status == "pending",
                    _J.c.priority == PRIORITY_BLOCK,
                )
                .order_by(_J.c.seq)
                .limit(limit)
            ).all()
        return [PendingBlock(str(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows]

    def quarantined_changes(self, limit: int = 100) -> list[QuarantinedChange]:
        """Pulled changes the kiosk could not apply, newest first, to show to the clerk."""
        with self.store.read_only() as session:
            return list(reversed(quarantined(session)))[:limit]

    # ---------------------------------------------------------------------- status

    def status(self) -> SyncStatus:
        now = self.clock()
        with self.store.read_only() as session:
            waiting, oldest_all = session.execute(
                select(func.count(), func.min(_J.c.occurred_at)).where(
                    _J.c.kiosk_id == self.kiosk_id, _J.c.sync_status == "pending"
                )
            ).one()
            last_ok = get_state(session, LAST_OK_KEY)
            diverged = divergence(session, self.kiosk_id) is not None
            blocks = pending_blocks(session, self.kiosk_id)
        return SyncStatus(
            online=self.online,
            waiting_events=int(waiting),
            waiting_blocks=blocks.waiting,
            oldest_waiting_seconds=_age(now, None if oldest_all is None else str(oldest_all)),
            oldest_block_seconds=_age(now, blocks.oldest_waiting),
            last_success=last_ok,
            failing_since=self.failing_since,
            journal_diverged=diverged,
            blocks_outside_chain=blocks.outside_chain,
        )


def _age(now: datetime, stamp: str | None) -> float | None:
    if stamp is None:
        return None
    return max(0.0, (now - parse_timestamp(stamp)).total_seconds())

"""The kiosk's journal against the central's checkpoint and head, and the way back.

At start and on each round (``SyncClient.run_round``) the journal is compared with the
latest checkpoint kept here (offline too) and with the central's head (at each
contact). A journal that is behind, or differs at a seq the central holds, is recorded
as diverged (``store.checkpoints``): new events but card blocks are refused (R9) and
the status bar shows an alarm; the central is told (a fork alarm there). A journal that
is only behind (restored from a backup, tail deleted, wiped) takes the central's events
back, each verified with the kiosk's own public key and linked to the local head; local
events the central never answered (written after the restore) are written again after
them; then the state clears. A fork of answered history is left for a technician.

Checkpoints are verified with the central's key pinned at the first contact (or given
by the configuration); another key is refused with :class:`ForeignCheckpointError`. A
checkpoint names the kiosk key the central registered: a journal signed with another
key (the key file replaced, the history re-signed) is diverged, offline against the
kept checkpoint and at contact (:class:`ForeignKioskKeyError`); the same check as the
audit's and the bundle verifier's (``protocol.checkpoint_verify.kiosk_key_problem``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from protocol.checkpoint import (
    Checkpoint,
    CheckpointFormatError,
    DivergenceKind,
    DivergenceReport,
    EventsPage,
    HeadAnswer,
)
from protocol.checkpoint_verify import kiosk_key_problem
from protocol.event_format import GENESIS_HASH, SignedEvent, format_timestamp, parse_timestamp
from protocol.wire import WireFormatError
from store.checkpoints import (
    Divergence,
    clear_divergence,
    divergence,
    keep_checkpoint,
    latest_checkpoint,
    local_hash_at,
    local_head,
    pin_central_key,
    pinned_central_key,
    record_divergence,
)
from store.database import Store
from store.journal import Journal
from store.models import JournalRow
from store.sync.divergence import (
    CentralEvent,
    Comparison,
    LocalEvent,
    compare_with_head,
    plan_recovery,
    recovery_start,
)
from store.sync.errors import (
    BadCheckpointError,
    CentralRefusedError,
    ForeignCheckpointError,
    ForeignKioskKeyError,
)
from store.sync.transport import CentralTransport

log = logging.getLogger(__name__)

_J = JournalRow.__table__  # type: ignore[attr-defined]
RECOVERY_PAGE = 5000


class ChainGuard:
    """Checks one kiosk's journal against the central and brings it back when behind."""

    def __init__(
        self,
        *,
        store: Store,
        journal: Journal,
        transport: CentralTransport | None,
        clock: Callable[[], datetime],
        central_key: str | None = None,
    ) -> None:
        self.store = store
        self.journal = journal
        self.kiosk_id = journal.kiosk_id
        self.transport = transport
        self.clock = clock
        self._configured_key = central_key.lower() if central_key else None

    # ------------------------------------------------------------------- state

    def diverged(self) -> Divergence | None:
        with self.store.read_only() as session:
            return divergence(session, self.kiosk_id)

    def check_local(self) -> Divergence | None:
        """The journal against the kept checkpoint (works offline); records and returns
        the divergence found, if any (an earlier record stays until a contact clears it)."""
        with self.store.unit_of_work() as session:
            checkpoint = latest_checkpoint(session, self.kiosk_id)
            if checkpoint is not None:
                found = self._compare(session, checkpoint.head_seq, checkpoint.head_hash)
                if self._foreign_key(checkpoint):
                    found = Comparison(DivergenceKind.FOREIGN_KIOSK_KEY, 1)
                if not found.consistent:
                    self._record(session, found)
            return divergence(session, self.kiosk_id)

    def _foreign_key(self, checkpoint: Checkpoint) -> bool:
        return kiosk_key_problem(checkpoint.kiosk_key, self.journal.public_key_bytes())

    # ------------------------------------------------------------- checkpoints

    def verified(self, session: Session, raw: Mapping[str, Any]) -> Checkpoint:
        """The checkpoint in an answer, verified with the pinned key (pinned now, in
        ``session``, at the first contact); :class:`ForeignCheckpointError` /
        :class:`BadCheckpointError`."""
        try:
            checkpoint = Checkpoint.from_dict(raw)
        except CheckpointFormatError:
            raise BadCheckpointError from None
        if checkpoint.kiosk_id != self.kiosk_id:
            raise BadCheckpointError
        stored = pinned_central_key(session)
        pinned = self._configured_key or stored or checkpoint.central_key
        if checkpoint.central_key != pinned:
            raise ForeignCheckpointError
        if not checkpoint.signature_ok(bytes.fromhex(pinned)):
            raise BadCheckpointError
        if self._foreign_key(checkpoint):
            raise ForeignKioskKeyError
        if stored != pinned:
            log.info("central checkpoint key pinned")
            pin_central_key(session, pinned)
        return checkpoint

    def take_checkpoint(self, raw: Mapping[str, Any] | None) -> None:
        """A push answer's checkpoint: verified, compared with the journal, kept (one
        local transaction)."""
        if raw is None:
            return
        try:
            with self.store.unit_of_work() as session:
                checkpoint = self.verified(session, raw)
                found = self._compare(session, checkpoint.head_seq, checkpoint.head_hash)
                if not found.consistent:
                    self._record(session, found)
                    return
                keep_checkpoint(session, checkpoint)
        except ForeignKioskKeyError:
            self._record_foreign_key()
            raise

    def _record_foreign_key(self) -> None:
        """The central signed another kiosk key: the journal is diverged (its own
        transaction: the one that found it was rolled back by the error)."""
        found = Comparison(DivergenceKind.FOREIGN_KIOSK_KEY, 1)
        with self.store.unit_of_work() as session:
            self._record(session, found)
        self._report(found)

    # -------------------------------------------------------------- at contact

    def check_head(self, head: HeadAnswer) -> Divergence | None:
        """At each contact: the journal against the central's (signed) head; a journal
        only behind is brought back. Returns the divergence that remains."""
        head_seq, head_hash = head.head_seq, head.head_hash
        checkpoint = None
        try:
            with self.store.unit_of_work() as session:
                if head.checkpoint is not None:
                    checkpoint = self.verified(session, head.checkpoint)
                    head_seq, head_hash = checkpoint.head_seq, checkpoint.head_hash
                found = self._compare(session, head_seq, head_hash)
        except ForeignKioskKeyError:
            self._record_foreign_key()
            raise
        if not found.consistent:
            # the central's operators hear of every divergence, also one repaired now
            self._report(found)
            found = self._recover(head_seq, head_hash)
        with self.store.unit_of_work() as session:
            if found.consistent:
                if checkpoint is not None:
                    keep_checkpoint(session, checkpoint)
                kept = latest_checkpoint(session, self.kiosk_id)
                if kept is not None:
                    found = self._compare(session, kept.head_seq, kept.head_hash)
            if found.consistent:
                if divergence(session, self.kiosk_id) is not None:
                    log.warning("journal matches the central again: writes resume")
                clear_divergence(session, self.kiosk_id)
            else:
                self._record(session, found)
        if not found.consistent:
            self._report(found)
        return self.diverged()

    def _compare(self, session: Session, head_seq: int, head_hash: str) -> Comparison:
        last, _ = local_head(session, self.kiosk_id)
        at_head = local_hash_at(session, self.kiosk_id, head_seq) if head_seq else None
        return compare_with_head(
            local_head=last, local_hash_at_head=at_head, head_seq=head_seq, head_hash=head_hash
        )

    def _record(self, session: Session, found: Comparison) -> None:
        assert found.kind is not None
        if divergence(session, self.kiosk_id) is None:
            log.warning("journal diverged from the central (%s at seq %d)", found.kind, found.seq)
        record_divergence(
            session,
            self.kiosk_id,
            Divergence(found.kind, found.seq, format_timestamp(self.clock())),
        )

    def _report(self, found: Comparison) -> None:
        """Tell the central (a fork alarm there); advisory, never fails the round."""
        if self.transport is None or found.kind is None:
            return
        with self.store.read_only() as session:
            local_hash = local_hash_at(session, self.kiosk_id, found.seq)
        try:
            self.transport.report_divergence(
                DivergenceReport(self.kiosk_id, found.kind, found.seq, local_hash)
            )
        except (CentralRefusedError, WireFormatError) as exc:
            log.warning("the central did not record the divergence: %s", type(exc).__name__)

    # ---------------------------------------------------------------- recovery

    def _recover(self, head_seq: int, head_hash: str) -> Comparison:
        """Take the central's events back up to ``head_seq`` and write the local events
        it never answered again after them; the comparison after."""
        assert self.transport is not None
        with self.store.read_only() as session:
            last, _ = local_head(session, self.kiosk_id)
            first_pending = session.execute(
                select(func.min(_J.c.seq)).where(
                    _J.c.kiosk_id == self.kiosk_id, _J.c.sync_status == "pending"
                )
            ).scalar_one_or_none()
            start = recovery_start(
                local_head=last,
                head_seq=head_seq,
                first_pending=None if first_pending is None else int(first_pending),
            )
            start_hash = (local_hash_at(session, self.kiosk_id, start) if start else None) or (
                GENESIS_HASH
            )
            rows = session.execute(
                select(_J.c.seq, _J.c.hash, _J.c.sync_status).where(
                    _J.c.kiosk_id == self.kiosk_id, _J.c.seq > start
                )
            ).all()
        local = {int(r[0]): LocalEvent(int(r[0]), str(r[1]), r[2] == "pending") for r in rows}
        fetched, bad_at = self._fetch(start, head_seq)
        if bad_at is not None:
            log.warning("the central's events of this kiosk do not verify at seq %d", bad_at)
            return Comparison(DivergenceKind.FORK, bad_at)
        plan = plan_recovery(
            start=start,
            local_hash_at_start=start_hash,
            local=local,
            central=[CentralEvent(e.seq, e.hash, e.prev_hash) for e in fetched],
        )
        if plan.fork_at is not None:
            return Comparison(DivergenceKind.FORK, plan.fork_at)
        wanted = set(plan.take)
        with self.store.unit_of_work() as session:
            replayed = self.journal.take_out(session, list(plan.replay))
            self.journal.take_back(session, [e for e in fetched if e.seq in wanted])
            clear_divergence(session, self.kiosk_id)  # the replays are appended again
            for event, priority in replayed:
                self.journal.append(
                    session,
                    event_type=event.event_type,  # type: ignore[arg-type]
                    operator=event.operator,
                    payload=event.payload,
                    priority=priority,
                    now=parse_timestamp(event.occurred_at),
                    event_id=event.event_id,  # a block sent outside the chain is matched by it
                )
            log.warning(
                "journal brought back from the central: %d events taken, %d written again",
                len(wanted),
                len(replayed),
            )
            last, _ = local_head(session, self.kiosk_id)
            at_head = local_hash_at(session, self.kiosk_id, head_seq)
        return compare_with_head(
            local_head=last, local_hash_at_head=at_head, head_seq=head_seq, head_hash=head_hash
        )

    def _fetch(self, start: int, head_seq: int) -> tuple[list[SignedEvent], int | None]:
        """The central's events of this chain after ``start`` up to ``head_seq``, each
        checked (form, kiosk, hash, signature with the kiosk's own key, consecutive seq,
        link among them; the link to the local head is the plan's to check: a fork, not
        a bad event); returns them and the first seq that fails (None: all verify)."""
        assert self.transport is not None
        public_key = self.journal.public_key_bytes()
        events: list[SignedEvent] = []
        after, prev = start, None
        while after < head_seq:
            page = EventsPage.from_dict(self.transport.events(self.kiosk_id, after, RECOVERY_PAGE))
            for raw in page.events:
                try:
                    event = SignedEvent.from_dict(raw)
                except ValueError:
                    return events, after + 1
                ok = (
                    event.kiosk_id == self.kiosk_id
                    and event.seq == after + 1
                    and (prev is None or event.prev_hash == prev)
                    and event.hash_ok()
                    and event.signature_ok(public_key)
                )
                if not ok:
                    return events, after + 1
                if event.seq > head_seq:
                    break
                events.append(event)
                after, prev = event.seq, event.hash
            if not page.more or not page.events:
                break
        if after < head_seq:
            return events, after + 1
        return events, None

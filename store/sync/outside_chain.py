"""Blocks of a diverged journal sent to the central outside the chain (R9, issue 17).

A diverged journal is not pushed into the central's chain, but a block is never
stopped: each round while diverged, the pending ``card.blocked`` events the central has
not answered yet go to ``POST /v1/blocks`` signed as they are. The answer is kept in
``sync_state`` (``sync.outside:<event_id>``); the journal row stays ``pending``, so the
recovery replays it like any event the central never answered in the chain (with its
original event id, ``ChainGuard._recover``) and the central matches it then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import and_, case, delete, func, literal, select
from sqlalchemy.orm import Session

from protocol.event_types import EventType
from protocol.outside_chain import OutsideChainAnswer
from protocol.wire import MAX_PUSH_EVENTS, PushStatus, WireFormatError
from store.database import Store
from store.journal import PRIORITY_BLOCK, Journal
from store.models import JournalRow, SyncState
from store.state import set_state
from store.sync.errors import CentralRefusedError
from store.sync.report import Rejection, RoundReport
from store.sync.transport import CentralTransport

log = logging.getLogger(__name__)

OUTSIDE_KEY_PREFIX = "sync.outside:"
ACCEPTED = "accepted"

_J = JournalRow.__table__  # type: ignore[attr-defined]
_S = SyncState.__table__  # type: ignore[attr-defined]


def outside_key(event_id: str) -> str:
    return f"{OUTSIDE_KEY_PREFIX}{event_id}"


def _answered_outside(session: Session, kiosk_id: str) -> set[str]:
    """Event ids of pending blocks the central answered outside the chain."""
    rows = session.execute(
        select(_J.c.event_id)
        .join(_S, _S.c.key == literal(OUTSIDE_KEY_PREFIX) + _J.c.event_id)
        .where(_J.c.kiosk_id == kiosk_id, _J.c.sync_status == "pending")
    ).all()
    return {str(r[0]) for r in rows}


@dataclass(frozen=True)
class PendingBlocks:
    """The pending blocks of a journal as the central has them."""

    outside_chain: int  # accepted outside the chain: the card is blocked at the central,
    # the block waits for the journal's recovery to enter the chain
    waiting: int  # not accepted in any way
    oldest_waiting: str | None  # when the oldest of those was written


def pending_blocks(session: Session, kiosk_id: str) -> PendingBlocks:
    """One read of the pending blocks, each joined to its outside-chain acceptance."""
    accepted_outside = and_(
        _S.c.key == literal(OUTSIDE_KEY_PREFIX) + _J.c.event_id, _S.c.value == ACCEPTED
    )
    total, outside, oldest = session.execute(
        select(
            func.count(),
            func.count(_S.c.key),
            func.min(case((_S.c.key.is_(None), _J.c.occurred_at))),
        )
        .select_from(_J.outerjoin(_S, accepted_outside))
        .where(
            _J.c.kiosk_id == kiosk_id,
            _J.c.sync_status == "pending",
            _J.c.priority == PRIORITY_BLOCK,
        )
    ).one()
    return PendingBlocks(
        int(outside), int(total) - int(outside), None if oldest is None else str(oldest)
    )


def forget_settled_outside(session: Session) -> int:
    """Drop the outside-chain answers of blocks that are no longer pending (the chain push
    has answered them since); returns how many."""
    still_pending = select(literal(OUTSIDE_KEY_PREFIX) + _J.c.event_id).where(
        _J.c.sync_status == "pending"
    )
    result = session.execute(
        delete(_S).where(_S.c.key.startswith(OUTSIDE_KEY_PREFIX), _S.c.key.not_in(still_pending))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def send_blocks_outside_chain(
    store: Store, journal: Journal, transport: CentralTransport, report: RoundReport
) -> int:
    """Send the diverged journal's unanswered pending blocks; returns how many the central
    accepted. A central that refuses the request (an older one) leaves them waiting."""
    with store.read_only() as session:
        answered = _answered_outside(session, journal.kiosk_id)
        blocks = [
            event
            for event in journal.pending(session, limit=MAX_PUSH_EVENTS)
            if event.event_type == EventType.CARD_BLOCKED and event.event_id not in answered
        ]
    if not blocks:
        return 0
    try:
        raw = transport.push_blocks(journal.kiosk_id, [e.to_dict() for e in blocks])
        answer = OutsideChainAnswer.from_dict(raw)
    except (CentralRefusedError, WireFormatError) as exc:
        log.warning("the central took no blocks outside the chain: %s", type(exc).__name__)
        return 0
    by_id = {e.event_id: e for e in blocks}
    accepted = 0
    with store.unit_of_work() as session:
        for result in answer.results:
            event = by_id.get(result.event_id)
            if event is None:
                continue
            if result.status is PushStatus.ACCEPTED:
                set_state(session, outside_key(event.event_id), ACCEPTED)
                accepted += 1
                continue
            text = str(result.reason or result.status)
            if result.status is PushStatus.INVALID:
                text = f"invalid: {text}"
            else:  # rejected: the chain push answers the same later; not sent again
                set_state(session, outside_key(event.event_id), str(result.status))
            report.rejections.append(Rejection(event.event_id, event.seq, event.event_type, text))
    report.blocks_outside_chain += accepted
    log.warning("%d blocks sent outside the diverged chain, %d accepted", len(blocks), accepted)
    return accepted

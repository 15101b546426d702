"""R9 blocking (spärr): a block at the counter and the holder's side duties."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.domain.decisions import Decision, Notice
from kiosk.domain.lifecycle import Transition, transition
from kiosk.domain.types import BlockReason, CardFacts, ProductSeries
from kiosk.errors import DomainError, PoliceReportNotConfirmedError, TeliaCallNotConfirmedError

#: R9: Telia's blocking service, for cards with product number 5xx/6xx or none.
TELIA_BLOCKING_LINE = "020-32 32 62"


class BlockDuty(StrEnum):
    TELIA_BLOCKING_LINE = "telia_blocking_line"
    POLICE_REPORT = "police_report"


_POLICE_REASONS = frozenset({BlockReason.LOST, BlockReason.STOLEN})


def block_duties(card: CardFacts, reason: BlockReason | None = None) -> frozenset[BlockDuty]:
    """R9: what the holder must do besides the block at the counter.

    Product number 5xx/6xx or none: also block through Telia's blocking line. SIS-marked
    card: report the loss or theft to the police (for reasons lost and stolen; when the
    reason is not known yet, the duty is listed to be safe).
    """
    duties: set[BlockDuty] = set()
    if card.series is not ProductSeries.S7:
        duties.add(BlockDuty.TELIA_BLOCKING_LINE)
    if card.sis_marked and (reason is None or reason in _POLICE_REASONS):
        duties.add(BlockDuty.POLICE_REPORT)
    return frozenset(duties)


def block_duty_notices(duties: Iterable[BlockDuty]) -> tuple[Notice, ...]:
    """R9: the duties in words (Telia's line first)."""
    out: list[Notice] = []
    if BlockDuty.TELIA_BLOCKING_LINE in duties:
        out.append(Notice("notice.r9.telia", {"phone": TELIA_BLOCKING_LINE}))
    if BlockDuty.POLICE_REPORT in duties:
        out.append(Notice("notice.r9.police"))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class BlockRequest:
    """R9: a block request as the outage routine needs it: which card, which certificates,
    whose (the holder's store id or HSA-id, never a name or personnummer), which operator,
    when it came in. Neither the card nor the holder has to be present (a phone call to
    the office is enough)."""

    serial: str
    reason: BlockReason
    operator_id: str
    received_at: datetime
    holder_ref: str | None = None
    card_present: bool = False
    holder_present: bool = False
    certificates: tuple[str, ...] = ()
    confirmed_duties: frozenset[BlockDuty] = frozenset()


def check_block(card: CardFacts, request: BlockRequest) -> Decision:
    """R9: a block is allowed on any card not already final, present or not, once the
    clerk has confirmed each side-duty was told to the holder."""
    try:
        transition(card.state, Transition.BLOCK)
        missing = block_duties(card, request.reason) - request.confirmed_duties
        if BlockDuty.TELIA_BLOCKING_LINE in missing:
            raise TeliaCallNotConfirmedError(phone=TELIA_BLOCKING_LINE)
        if BlockDuty.POLICE_REPORT in missing:
            raise PoliceReportNotConfirmedError()
    except DomainError as refusal:
        return Decision.refuse(refusal)
    return Decision.ok()

"""R3 and R4: a card that has not arrived. A-post is reordered after 30 days (R3);
registered post is traced with its Rek-id (R4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.domain.dates import add_days
from kiosk.domain.decisions import Decision, Notice
from kiosk.domain.lifecycle import Transition, transition
from kiosk.domain.types import BlockReason, CardFacts, CardState, ShipmentMethod
from kiosk.errors import (
    CardFactsIncompleteError,
    DomainError,
    NotRegisteredPostError,
    ReorderNeedsAPostError,
    ReorderTooEarlyError,
)

# --- R3 undelivered card sent by A-post ---------------------------------------------------

#: R3: days after the photo (or the order, for a card without photo) before a reorder.
REORDER_WAIT_DAYS = 30


def reorder_from(card: CardFacts) -> date:
    """R3: the first day a new card may be ordered: 30 days after the photo was taken, or
    after the order was placed for a card without photo."""
    if card.with_photo:
        if card.photo_date is None:
            raise CardFactsIncompleteError(field="photo_date")
        return add_days(card.photo_date, REORDER_WAIT_DAYS)
    if card.order_date is None:
        raise CardFactsIncompleteError(field="order_date")
    return add_days(card.order_date, REORDER_WAIT_DAYS)


def reorder_allowed(card: CardFacts, today: date) -> Decision:
    """R3: an undelivered (shipped, never activated) A-post card may be reordered from
    ``reorder_from(card)`` on. A registered-post card is traced instead (R4)."""
    try:
        if card.shipment_method is ShipmentMethod.REGISTERED:
            raise ReorderNeedsAPostError()
        transition(card.state, Transition.REPLACE)
        first_day = reorder_from(card)
        if today < first_day:
            raise ReorderTooEarlyError(from_date=first_day.isoformat())
    except DomainError as refusal:
        return Decision.refuse(refusal)
    return Decision.ok()


@dataclass(frozen=True, slots=True)
class ReorderPlan:
    """What a reorder does (R3): the first card becomes ``replaced`` (blocked for good),
    the new order reuses the first order's photo, no new photo is taken."""

    first_card_serial: str
    first_card_next_state: CardState
    block_reason: BlockReason
    new_photo_needed: bool
    with_photo: bool
    photo_date: date | None
    photo_office_id: str | None


def reorder_plan(card: CardFacts, today: date) -> ReorderPlan:
    """R3: the plan for a reorder; raises the refusal if ``reorder_allowed`` says no."""
    reorder_allowed(card, today).require()
    return ReorderPlan(
        first_card_serial=card.serial,
        first_card_next_state=transition(card.state, Transition.REPLACE),
        block_reason=BlockReason.REPLACED,
        new_photo_needed=False,
        with_photo=card.with_photo,
        photo_date=card.photo_date,
        photo_office_id=card.photo_office_id,
    )


def reorder_notice(card: CardFacts, today: date) -> Notice:
    """R3: what to tell an A-post holder who has not received the card; a card not yet
    shipped cannot have gone missing, so it gets that one message and no reorder date."""
    if card.state is CardState.ORDERED:
        return Notice("notice.r3.not_shipped")
    first_day = reorder_from(card)
    if today < first_day:
        return Notice("notice.r3.reorder_from", {"from_date": first_day.isoformat()})
    return Notice("notice.r3.reorder_now", {"from_date": first_day.isoformat()})


# --- R4 undelivered card sent by registered post ------------------------------------------


def trace_notices(card: CardFacts) -> tuple[Notice, ...]:
    """R4: how a registered-post card is traced: its Rek-id, then PostNord. The Rek-id comes
    from the local id-administrator or the service desk. A-post cannot be traced."""
    if card.shipment_method is not ShipmentMethod.REGISTERED:
        raise NotRegisteredPostError()
    if card.rek_id:
        first = Notice("notice.r4.rek_id", {"rek_id": card.rek_id})
    else:
        first = Notice("notice.r4.ask_for_rek_id")
    return (first, Notice("notice.r4.trace_with_postnord"))

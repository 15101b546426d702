"""A card that has not arrived (R3 A-post, R4 registered post).

A-post cannot be traced: a new card may be ordered from 30 days after the photo (or the
order, for a card without photo). The reorder keeps the first order's photo (no new
photo) and replaces the first card, which is blocked for good ("cut it up and throw it
away" if it turns up). Registered post is traced with its Rek-id through PostNord.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from clock import local_date
from kiosk.domain.decisions import Decision, Notice
from kiosk.domain.roles import Action, require_not_limited, require_role
from kiosk.domain.types import CardState, ShipmentMethod
from kiosk.domain.undelivered import (
    reorder_allowed,
    reorder_from,
    reorder_notice,
    reorder_plan,
    trace_notices,
)
from kiosk.services.login import Operator
from kiosk.services.workflows.common import Backend, Done, card_facts, load_card
from kiosk.services.workflows.refusals import journals_refusals
from protocol.event_types import EventType
from store.cards import add_cards, set_card_state
from store.records import CardRecord

EVENT_REORDERED = EventType.CARD_REORDERED
EVENT_ORDERED = EventType.CARD_ORDERED


def new_order_serial() -> str:
    """A provisional serial for the new order until the card is produced."""
    return f"ORDER-{uuid.uuid4().hex[:16].upper()}"


@dataclass(frozen=True)
class UndeliveredView:
    serial: str
    state: CardState
    shipment: ShipmentMethod
    reorder_from: date | None  # A-post only
    reorder: Decision | None  # A-post only: may a new card be ordered today?
    rek_id: str | None
    notices: tuple[Notice, ...] = field(default=())


@dataclass(frozen=True)
class ReorderDone(Done):
    new_serial: str = ""


class UndeliveredService:
    def __init__(
        self, services: Backend, *, new_serial: Callable[[], str] = new_order_serial
    ) -> None:
        self._s = services
        self._new_serial = new_serial

    def view(self, serial: str) -> UndeliveredView:
        """What to tell the holder: the reorder date (A-post) or the Rek-id (registered)."""
        today = local_date(self._s.clock())
        with self._s.store.unit_of_work() as tx:
            facts = card_facts(load_card(tx, serial))
        if facts.shipment_method is ShipmentMethod.REGISTERED:
            return UndeliveredView(
                serial,
                facts.state,
                facts.shipment_method,
                None,
                None,
                facts.rek_id,
                trace_notices(facts),
            )
        if facts.state is CardState.ORDERED:  # not shipped: nothing to reorder yet
            return UndeliveredView(
                serial, facts.state, facts.shipment_method, None, None, None,
                (reorder_notice(facts, today),),
            )  # fmt: skip
        return UndeliveredView(
            serial,
            facts.state,
            facts.shipment_method,
            reorder_from(facts),
            reorder_allowed(facts, today),
            None,
            (reorder_notice(facts, today),),
        )

    @journals_refusals("reorder")
    def reorder(self, operator: Operator, serial: str) -> ReorderDone:
        """R3: order a new card without a new photo; the first card becomes ``replaced``."""
        require_role(operator.role, Action.REORDER)
        require_not_limited(operator.blocking_only, Action.REORDER)
        now = self._s.clock()
        new_serial = self._new_serial()
        with self._s.store.unit_of_work() as tx:
            first = load_card(tx, serial)
            plan = reorder_plan(card_facts(first), local_date(now))
            set_card_state(
                tx,
                serial,
                state=plan.first_card_next_state.value,
                at=now,
                replaced_by_serial=new_serial,
                blocked_reason=plan.block_reason.value,
            )
            new_card = CardRecord(
                serial=new_serial,
                holder_id=first.holder_id,
                product_number=first.product_number,
                state=CardState.ORDERED.value,
                shipment_method=first.shipment_method,
                rek_id=None,
                photo_office_id=plan.photo_office_id,
                photo_date=plan.photo_date,
                order_date=local_date(now),
                with_photo=plan.with_photo,
                sis_marked=first.sis_marked,
                assurance_level=first.assurance_level,
                is_reserve=first.is_reserve,
                has_signing_cert=first.has_signing_cert,
                replaced_by_serial=None,
                blocked_reason=None,
                updated_at=now,
            )
            add_cards(tx, [new_card])
            event_id = self._s.append(
                tx,
                operator.hsa_id,
                EVENT_REORDERED,
                {
                    "serial": serial,
                    "replaced_by": new_serial,
                    "reason": plan.block_reason.value,
                    "new_photo": plan.new_photo_needed,
                    "state": plan.first_card_next_state.value,
                },
            )
            self._s.append(
                tx,
                operator.hsa_id,
                EVENT_ORDERED,
                {
                    "serial": new_serial,
                    "holder_id": first.holder_id,
                    "replaces": serial,
                    "photo_date": plan.photo_date.isoformat() if plan.photo_date else None,
                    "photo_office_id": plan.photo_office_id,
                    "state": CardState.ORDERED.value,
                },
            )
        return ReorderDone(event_id, serial, plan.first_card_next_state, (), new_serial)

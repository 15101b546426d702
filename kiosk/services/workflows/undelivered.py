"""A card that has not arrived (R3 A-post, R4 registered post).

A-post cannot be traced: a new card may be ordered from 30 days after the photo (or the
order, for a card without photo). The reorder keeps the first order's photo (no new
photo) and replaces the first card, which is blocked for good ("cut it up and throw it
away" if it turns up). Registered post is traced with its Rek-id through PostNord.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from clock import local_date
from kiosk.domain.decisions import Decision, Notice
from kiosk.domain.orders import OrderState, card_kind
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
from kiosk.services.workflows.orders import (
    EVENT_PLACED,
    new_order_id,
    placed_payload,
    reorder_date,
)
from kiosk.services.workflows.refusals import journals_refusals
from protocol.event_types import EventType
from store.cards import set_card_state
from store.orders import add_order, order_for_card, set_order_state
from store.records import OrderRecord

EVENT_REORDERED = EventType.CARD_REORDERED


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
    new_order_id: str = ""  # the new order (its card number comes with production)
    reorder_from: date | None = None  # R3: when to ask again if nothing arrives


class UndeliveredService:
    def __init__(
        self, services: Backend, *, new_order_id: Callable[[], str] = new_order_id
    ) -> None:
        self._s = services
        self._new_order_id = new_order_id

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
        """R3: order a new card without a new photo; the first card becomes ``replaced``.
        The new order refers to the first card and its order (whose photo it reuses); the
        card number comes when the card is produced."""
        require_role(operator.role, Action.REORDER)
        require_not_limited(operator.blocking_only, Action.REORDER)
        now = self._s.clock()
        with self._s.store.unit_of_work() as tx:
            first = load_card(tx, serial)
            facts = card_facts(first)
            plan = reorder_plan(facts, local_date(now))
            first_order = order_for_card(tx, serial)
            set_card_state(
                tx,
                serial,
                state=plan.first_card_next_state.value,
                at=now,
                blocked_reason=plan.block_reason.value,
            )
            if first_order is not None:
                set_order_state(tx, first_order.order_id, state=OrderState.REPLACED.value, at=now)
            order = OrderRecord(
                order_id=self._new_order_id(),
                holder_id=first.holder_id,
                office_id=operator.office_id,
                photo_office_id=plan.photo_office_id,
                photo_date=plan.photo_date,
                order_date=local_date(now),
                card_kind=card_kind(facts).value,
                delivery=first.shipment_method,
                state=OrderState.ORDERED.value,
                rek_id=None,
                card_serial=None,
                photo_digest=first_order.photo_digest if first_order is not None else None,
                replaces_serial=serial,
                replaces_order_id=first_order.order_id if first_order is not None else None,
                updated_at=now,
            )
            add_order(tx, order)
            event_id = self._s.append(
                tx,
                operator.hsa_id,
                EVENT_REORDERED,
                {
                    "serial": serial,
                    "replaced_by": order.order_id,
                    "replaced_by_order": True,
                    "reason": plan.block_reason.value,
                    "new_photo": plan.new_photo_needed,
                    "state": plan.first_card_next_state.value,
                },
            )
            payload = placed_payload(order)
            payload["with_photo"] = plan.with_photo  # the first order's photo, reused (R3)
            self._s.append(tx, operator.hsa_id, EVENT_PLACED, payload)
        return ReorderDone(
            event_id, serial, plan.first_card_next_state, (), order.order_id, reorder_date(order)
        )

"""The central's decision for one verified event: accept (and what it changes) or reject.

Pure functions over plain data so the policy in docs/sync.md is tested without a
database. The central decides; a block wins over any other change to the same card.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from protocol.event_format import SignedEvent
from protocol.event_types import KIOSK_EVENT_TYPES, EventType, validate
from protocol.payload_schema import PayloadError
from protocol.wire import RejectReason

CLERK = "clerk"
ID_ADMIN = "id_admin"
ROLES = (CLERK, ID_ADMIN)

BLOCK_EVENT = EventType.CARD_BLOCKED

# Events pushed before anything else and accepted ahead of the chain head.
EARLY_EVENT_TYPES = frozenset({BLOCK_EVENT})

# Event types that only an id-administrator may perform (R7: in-person unlock and
# ordering PUK codes / code letters). Everything else a person does needs a clerk or
# an id-administrator; kiosk-internal events (prefix "kiosk." or "sync.") need nobody.
ID_ADMIN_EVENT_TYPES = frozenset(
    {
        EventType.CARD_UNLOCKED_IN_PERSON,
        EventType.ORDER_CODE_LETTER,
        EventType.ORDER_PUK_LETTER,
    }
)
# Events that use a card: refused for a blocked card even though they change no state.
CARD_USE_EVENT_TYPES = frozenset(
    {
        EventType.CARD_ACTIVATED,
        EventType.CARD_UNLOCKED_IN_PERSON,
        EventType.CARD_UNLOCKED_WITH_CODE_LETTER,
        EventType.CARD_PIN_CHANGED,
    }
)
SYSTEM_PREFIXES = ("kiosk.", "sync.", "system.", "audit.")

# The kiosk's hourly deadline sweep (R10, R11) blocks overdue cards by itself, also
# before anyone has logged in (operator None). Its ``card.blocked`` events say so in
# the payload (``"source": "deadline_sweep"``, written by
# kiosk/services/workflows/deadlines.py) and need no operator: a block is always safe
# (a block wins), and the event is still signed by a registered kiosk.
AUTOMATIC_BLOCK_SOURCES = frozenset({"deadline_sweep"})

# What a card event does to the card's state on the central.
CARD_STATE_BY_EVENT: Mapping[str, str] = {
    BLOCK_EVENT: "blocked",
    EventType.CARD_ACTIVATED: "active",
    EventType.CARD_RETURNED: "returned",
    EventType.CARD_REPLACED: "replaced",
    EventType.CARD_SHIPPED: "shipped",
    EventType.CARD_ORDERED: "ordered",
    EventType.CARD_REORDERED: "replaced",
}

REASON_CARD_BLOCKED = RejectReason.CARD_BLOCKED
REASON_NOT_ON_ROSTER = RejectReason.OPERATOR_NOT_ON_ROSTER
REASON_ROLE = RejectReason.OPERATOR_LACKS_ROLE
REASON_OPERATOR_MISSING = RejectReason.OPERATOR_MISSING
REASON_OTHER_OFFICE = RejectReason.OPERATOR_OTHER_OFFICE
REASON_MALFORMED = RejectReason.MALFORMED_PAYLOAD


@dataclass(frozen=True)
class RosterEntry:
    hsa_id: str
    role: str
    office_id: str
    active: bool = True


@dataclass(frozen=True)
class Decision:
    accepted: bool
    reason: str | None = None
    card_state: str | None = None  # new state of the event's card, when it changes


@dataclass
class Effects:
    """Entity changes an accepted event asks for (merged per batch by the service)."""

    cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    holders: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    # orders whose card was activated (the order's state becomes ``activated``)
    activated_orders: set[str] = field(default_factory=set)
    # holders whose name changed (R10, ``card.name_change_recorded``): holder id → new name
    renamed_holders: dict[str, str] = field(default_factory=dict)


def required_role(
    event_type: str, payload: Mapping[str, Any] | None = None
) -> tuple[str, ...] | None:
    """The roles that may perform ``event_type``; None when no operator is needed:
    kiosk-internal events and the deadline sweep's automatic blocks."""
    if event_type.startswith(SYSTEM_PREFIXES):
        return None
    if is_automatic_block(event_type, payload or {}):
        return None
    if event_type in ID_ADMIN_EVENT_TYPES:
        return (ID_ADMIN,)
    return ROLES


def is_automatic_block(event_type: str, payload: Mapping[str, Any]) -> bool:
    """A ``card.blocked`` the kiosk made by itself (the deadline sweep)."""
    return event_type == BLOCK_EVENT and payload.get("source") in AUTOMATIC_BLOCK_SOURCES


def card_serial(payload: Mapping[str, Any]) -> str | None:
    """The serial of the card an event is about, if any."""
    for key in ("serial", "card_serial"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def payload_fits(event_type: str, payload: object) -> bool:
    """A type kiosks push, with a payload that fits its schema (``protocol.event_types``)."""
    if event_type not in KIOSK_EVENT_TYPES:
        return False
    try:
        validate(event_type, payload)
    except PayloadError:
        return False
    return True


def judge(
    *,
    event_type: str,
    operator: str | None,
    payload: Mapping[str, Any],
    roster: Mapping[str, RosterEntry],
    card_state: str | None,
    kiosk_office: str,
) -> Decision:
    """The decision for one verified event a kiosk of ``kiosk_office`` pushed: a type
    kiosks do not push or a payload off its schema is rejected (``malformed payload``);
    an operator of another office may not act at this kiosk; then :func:`decide`."""
    if not payload_fits(event_type, payload):
        return Decision(False, REASON_MALFORMED)
    entry = roster.get(operator) if operator else None
    needs_operator = required_role(event_type, payload) is not None
    if needs_operator and entry is not None and entry.office_id != kiosk_office:
        return Decision(False, REASON_OTHER_OFFICE)
    return decide(
        event_type=event_type,
        operator=operator,
        payload=payload,
        roster=roster,
        card_state=card_state,
    )


def decide(
    *,
    event_type: str,
    operator: str | None,
    payload: Mapping[str, Any],
    roster: Mapping[str, RosterEntry],
    card_state: str | None,
) -> Decision:
    """Accept or reject one event given the central's current view.

    ``card_state`` is the central state of the event's card (None if unknown).
    """
    roles = required_role(event_type, payload)
    if roles is not None:
        if not operator:
            return Decision(False, REASON_OPERATOR_MISSING)
        entry = roster.get(operator)
        if entry is None or not entry.active:
            return Decision(False, REASON_NOT_ON_ROSTER)
        if entry.role not in roles:
            return Decision(False, REASON_ROLE)
    serial = card_serial(payload)
    if serial is None or not event_type.startswith("card."):
        return Decision(True)
    new_state = next_card_state(event_type, payload)
    # a block wins over any change to the card and over any use of it; events that
    # leave the card as it is (a replacement order, a deadline) still count
    changes = new_state not in (None, "blocked") or event_type in CARD_USE_EVENT_TYPES
    if card_state == "blocked" and event_type != BLOCK_EVENT and changes:
        return Decision(False, REASON_CARD_BLOCKED)
    return Decision(True, None, new_state)


def next_card_state(event_type: str, payload: Mapping[str, Any]) -> str | None:
    """The card state an event sets: a block always blocks; otherwise the state the
    kiosk wrote in the payload, else the state the event type implies."""
    if event_type == BLOCK_EVENT:
        return "blocked"
    state = payload.get("state")
    if isinstance(state, str) and state:
        return state
    return CARD_STATE_BY_EVENT.get(event_type)


# Fields of a card event's payload that a card the central does not know yet takes.
NEW_CARD_FIELDS = (
    "photo_office_id",
    "photo_date",
    "order_date",
    "shipment_method",
    "with_photo",
    "sis_marked",
    "assurance_level",
    "is_reserve",
)


# Event types that write an order row (besides every ``order.*`` type).
ORDERING_EVENT_TYPES = (EventType.CARD_ORDERED, EventType.CARD_REORDERED)


def collect_effects(
    event: SignedEvent,
    decision: Decision,
    cards: dict[str, dict[str, Any]],
    effects: Effects,
    kiosk_office: str,
) -> None:
    """Add what an accepted ``event`` changes to ``effects``: its card's new state (a card
    the central does not know yet is created from the payload, in ``cards`` too), a
    holder from ``holder.*`` events, an order from order events. ``cards`` are the
    batch's card rows; ``kiosk_office`` stands in where the payload names no office."""
    payload = event.payload
    serial = card_serial(payload)
    office = cards.get(serial, {}).get("office_id") if serial else None
    office = office or kiosk_office
    if serial is not None and decision.card_state is not None:
        card = cards.get(serial)
        if card is None:
            card = {
                "serial": serial,
                "office_id": str(
                    payload.get("office_id") or payload.get("photo_office_id") or kiosk_office
                ),
                "holder_id": payload.get("holder_id"),
                "product_number": payload.get("product_number"),
                "data": {k: payload[k] for k in NEW_CARD_FIELDS if payload.get(k) is not None},
                "_new": True,
            }
            cards[serial] = card
        card["state"] = decision.card_state
        effects.cards[serial] = card
    if event.event_type == EventType.CARD_FACTS_ENTERED and serial in cards:
        card = cards[str(serial)]
        if fill_in_card_facts(card, payload):
            effects.cards[str(serial)] = card
    holder_id = payload.get("holder_id")
    if event.event_type.startswith("holder.") and isinstance(holder_id, str):
        data = payload.get("data")
        effects.holders[holder_id] = {
            "office_id": str(payload.get("office_id") or office or ""),
            "data": dict(data) if isinstance(data, dict) else {},
        }
        effects.renamed_holders.pop(holder_id, None)  # the newer record is whole
    if event.event_type == EventType.CARD_NAME_CHANGE_RECORDED and serial in cards:
        _renamed_holder(payload, cards[str(serial)], effects)
    order_id = payload.get("order_id")
    if event.event_type == EventType.ORDER_PLACED and isinstance(order_id, str):
        _placed_order(payload, order_id, effects, office)
        return
    if event.event_type == EventType.CARD_ACTIVATED and serial is not None:
        placed = cards.get(serial, {}).get("data") or {}
        if isinstance(placed.get("order_id"), str):  # a card the production step made
            effects.activated_orders.add(placed["order_id"])
    if event.event_type.startswith("order.") and not isinstance(order_id, str):
        order_id = event.event_id  # one order per order event
    if event.event_type.startswith(("order.", *ORDERING_EVENT_TYPES)) and isinstance(order_id, str):
        data = payload.get("data")
        effects.orders[order_id] = {
            "office_id": str(payload.get("office_id") or office or ""),
            "card_serial": serial,
            "data": dict(data) if isinstance(data, dict) else dict(payload),
        }


def _renamed_holder(payload: Mapping[str, Any], card: Mapping[str, Any], effects: Effects) -> None:
    """R10: the card's holder takes the new name the kiosk recorded (older events carry
    none), so that every kiosk of the office pulls the holder under the new name."""
    new_name, holder_id = payload.get("new_name"), card.get("holder_id")
    if not isinstance(new_name, str) or not new_name.strip() or not isinstance(holder_id, str):
        return
    pending = effects.holders.get(holder_id)
    if pending is not None:  # a holder record of this batch: rename it there
        pending["data"] = {**pending["data"], "name": new_name}
    else:
        effects.renamed_holders[holder_id] = new_name


# The fields of ``order.placed`` that describe a holder registered in the order visit.
REGISTERED_HOLDER_FIELDS = {
    "holder_name": "name",
    "personnummer": "personnummer",
    "hsa_id": "hsa_id",
    "organisation": "organisation",
}


def _placed_order(
    payload: Mapping[str, Any], order_id: str, effects: Effects, office: str | None
) -> None:
    """``order.placed``: the order, kept at the office where the card is activated (the
    photo office, R2), and the holder when the order visit registered one."""
    data = {k: v for k, v in payload.items() if k not in REGISTERED_HOLDER_FIELDS}
    home = str(payload.get("photo_office_id") or payload.get("office_id") or office or "")
    effects.orders[order_id] = {
        "office_id": home,
        "card_serial": None,
        "state": str(payload.get("state") or "ordered"),
        "data": data,
    }
    holder_id = payload.get("holder_id")
    if isinstance(holder_id, str) and payload.get("personnummer"):
        effects.holders[holder_id] = {
            "office_id": home,
            "data": {
                field: payload[key]
                for key, field in REGISTERED_HOLDER_FIELDS.items()
                if payload.get(key) is not None
            },
        }


def fill_in_card_facts(card: dict[str, Any], payload: Mapping[str, Any]) -> bool:
    """A ``card.facts_entered`` event: the product number and the reserve card's assurance
    level the clerk read from the back of the card fill in what the register lacks (a value
    the register has is kept). True when ``card`` changed."""
    changed = False
    number = payload.get("product_number")
    if isinstance(number, str) and number and not card.get("product_number"):
        card["product_number"] = number
        changed = True
    level = payload.get("assurance_level")
    data = dict(card.get("data") or {})
    if isinstance(level, str) and level and not data.get("assurance_level"):
        data["assurance_level"] = level
        card["data"] = data
        changed = True
    return changed

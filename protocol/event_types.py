"""Every journal event type, and the schema of its payload.

:class:`EventType` is a ``StrEnum``: a member equals its string (``EventType.CARD_BLOCKED
== "card.blocked"``), so journals already written, the hashes over them and the JSON
on the wire do not change. Product code names event types only through its members.

:data:`SCHEMAS` gives each type the fields its payload carries (what the kiosk writes
today); :func:`validate` checks a payload against its type's schema and raises a typed
:class:`~protocol.payload_schema.PayloadError`. The central applies only the types in
:data:`KIOSK_EVENT_TYPES`, each validated first (a payload that does not fit is
recorded and rejected, never applied).

Four types are written by no current workflow and are kept because the product still
reads them: ``card.unlocked`` and ``order.pin_letter`` (receipts and the day report of
older journals), ``card.shipped`` and ``card.replaced`` (card states the central
knows). Their schemas hold only what those readers use. ``order.shipped`` is what the
central's production step records for an order (``python -m central produce``); kiosks
never push it.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from protocol.payload_schema import (
    FieldSpec,
    JsonType,
    PayloadSchema,
    UnknownEventTypeError,
    optional,
    required,
)


class EventType(StrEnum):
    # a card's life at the counter
    CARD_ACTIVATED = "card.activated"
    CARD_BLOCKED = "card.blocked"
    CARD_PIN_CHANGED = "card.pin_changed"
    CARD_PIN_LOCKED = "card.pin_locked"
    CARD_PUK_BLOCKED = "card.puk_blocked"
    CARD_UNLOCKED = "card.unlocked"
    CARD_UNLOCKED_IN_PERSON = "card.unlocked_in_person"
    CARD_UNLOCKED_WITH_CODE_LETTER = "card.unlocked_with_code_letter"
    CARD_NAME_CHANGE_RECORDED = "card.name_change_recorded"
    CARD_RETURN_DUE = "card.return_due"
    CARD_RETURNED = "card.returned"
    CARD_RETURN_KEPT = "card.return_kept"
    CARD_REORDERED = "card.reordered"
    CARD_ORDERED = "card.ordered"
    CARD_SHIPPED = "card.shipped"
    CARD_REPLACED = "card.replaced"
    CARD_FACTS_ENTERED = "card.facts_entered"
    # orders to card management
    ORDER_REPLACEMENT_CARD = "order.replacement_card"
    ORDER_CODE_LETTER = "order.code_letter"
    ORDER_PUK_LETTER = "order.puk_letter"
    ORDER_PIN_LETTER = "order.pin_letter"
    # a card order at the counter, and what card management did with it
    ORDER_PLACED = "order.placed"
    ORDER_SHIPPED = "order.shipped"
    # the holder, the receipt, refusals, the kiosk itself
    IDENTITY_CHECKED = "identity.checked"
    RECEIPT_SIGNED = "receipt.signed"
    REFUSAL = "refusal"
    DEMO_SEEDED = "demo.seeded"


_TEXT = required(JsonType.STRING)
_TEXT_OR_NULL = required(JsonType.STRING, nullable=True)
_FLAG = required(JsonType.BOOLEAN)
_COUNT = required(JsonType.INTEGER)
_MAYBE_TEXT = optional(JsonType.STRING)
_MAYBE_FLAG = optional(JsonType.BOOLEAN)
_DATE = required(JsonType.DATE)
_DATE_OR_NULL = required(JsonType.DATE, nullable=True)


def _schema(**fields: FieldSpec) -> PayloadSchema:
    return PayloadSchema(fields)


# A state change the card reported itself (PIN locked, PUK blocked) or a plain return.
_CARD_STATE = _schema(serial=_TEXT, state=_TEXT)
# A three-month deadline recorded for a card (R10 name change, R11 end of assignment).
_DEADLINE = _schema(serial=_TEXT, kind=_TEXT, since=_DATE, due=_DATE)
_UNLOCK = _schema(
    serial=_TEXT,
    path=_TEXT,
    office_id=_TEXT,
    new_pin_verified=_FLAG,
    state=_TEXT,
    deviations=optional(JsonType.STRING_LIST),  # continued past with a reason (R1)
    photo_compared=_MAYBE_TEXT,  # in person: "order_photo" or "document_only"
)
_LETTER_ORDER = _schema(serial=_TEXT, holder_id=_TEXT, order=_TEXT, office_id=_TEXT)
_CARD_MANAGEMENT_STATE = _schema(serial=_TEXT, state=_MAYBE_TEXT)

SCHEMAS: Mapping[EventType, PayloadSchema] = {
    EventType.CARD_ACTIVATED: _schema(
        serial=_TEXT,
        holder_id=_TEXT,
        office_id=_TEXT,
        state=_TEXT,
        # the identity check's deviations the clerk continued past with a reason (R1)
        deviations=optional(JsonType.STRING_LIST),
        # what the clerk compared the person with: "order_photo" or "document_only"
        photo_compared=_MAYBE_TEXT,
    ),
    EventType.CARD_BLOCKED: _schema(
        serial=_TEXT,
        reason=_TEXT,
        certificates=required(JsonType.STRING_LIST),
        state=_TEXT,
        # who holds the card (for the outage routine); absent when it cannot be read
        holder_id=_MAYBE_TEXT,
        hsa_id=optional(JsonType.STRING, nullable=True),
        holder_name=_MAYBE_TEXT,
        personnummer=_MAYBE_TEXT,
        # a block request at the counter
        operator=_MAYBE_TEXT,
        office_id=_MAYBE_TEXT,
        received_at=_MAYBE_TEXT,
        card_present=_MAYBE_FLAG,
        holder_present=_MAYBE_FLAG,
        duties_confirmed=optional(JsonType.STRING_LIST),
        # a block by the deadline sweep
        source=_MAYBE_TEXT,
        deadline=_MAYBE_TEXT,
        due=optional(JsonType.DATE),
    ),
    EventType.CARD_PIN_CHANGED: _schema(serial=_TEXT),
    EventType.CARD_PIN_LOCKED: _CARD_STATE,
    EventType.CARD_PUK_BLOCKED: _CARD_STATE,
    EventType.CARD_UNLOCKED: _schema(
        serial=_TEXT,
        path=_MAYBE_TEXT,
        method=_MAYBE_TEXT,
        office_id=_MAYBE_TEXT,
        new_pin_verified=_MAYBE_FLAG,
        state=_MAYBE_TEXT,
    ),
    EventType.CARD_UNLOCKED_IN_PERSON: _UNLOCK,
    EventType.CARD_UNLOCKED_WITH_CODE_LETTER: _UNLOCK,
    EventType.CARD_NAME_CHANGE_RECORDED: _schema(
        serial=_TEXT,
        kind=_TEXT,
        since=_DATE,
        due=_DATE,
        new_name=_MAYBE_TEXT,  # R10: from the identity document; absent in older events
    ),
    EventType.CARD_RETURN_DUE: _DEADLINE,
    EventType.CARD_RETURNED: _CARD_STATE,
    EventType.CARD_RETURN_KEPT: _schema(serial=_TEXT, reason=_TEXT),
    EventType.CARD_REORDERED: _schema(
        serial=_TEXT,
        replaced_by=_TEXT,
        reason=_TEXT,
        new_photo=_FLAG,
        state=_TEXT,
        # true: ``replaced_by`` is the new order's id (the card number comes with production)
        replaced_by_order=_MAYBE_FLAG,
    ),
    EventType.CARD_ORDERED: _schema(
        serial=_TEXT,
        holder_id=_TEXT,
        replaces=_TEXT,
        photo_date=_DATE_OR_NULL,
        photo_office_id=_TEXT_OR_NULL,
        state=_TEXT,
    ),
    # The product number and a reserve card's assurance level, read by the clerk from the
    # back of the card and typed twice where the register lacked them (the event's
    # operator typed them); the central fills its register in from it.
    EventType.CARD_FACTS_ENTERED: _schema(
        serial=_TEXT,
        product_number=_TEXT_OR_NULL,
        assurance_level=_TEXT_OR_NULL,
        office_id=_TEXT,
        source=_TEXT,
    ),
    EventType.CARD_SHIPPED: _CARD_MANAGEMENT_STATE,
    EventType.CARD_REPLACED: _CARD_MANAGEMENT_STATE,
    EventType.ORDER_REPLACEMENT_CARD: _schema(serial=_TEXT, holder_id=_TEXT, office_id=_TEXT),
    EventType.ORDER_CODE_LETTER: _LETTER_ORDER,
    EventType.ORDER_PUK_LETTER: _LETTER_ORDER,
    EventType.ORDER_PIN_LETTER: _schema(
        serial=_TEXT, holder_id=_MAYBE_TEXT, order=_MAYBE_TEXT, office_id=_MAYBE_TEXT
    ),
    EventType.ORDER_PLACED: _schema(
        order_id=_TEXT,
        holder_id=_TEXT,
        office_id=_TEXT,
        card_kind=_TEXT,  # ordinary | reserve_loa2 | reserve_loa3
        delivery=_TEXT,  # a_post | registered, to the registered home address
        with_photo=_FLAG,
        photo_digest=_TEXT_OR_NULL,  # sha256 of the JPEG, a blob of its own (R3: reused)
        photo_office_id=_TEXT_OR_NULL,
        photo_date=_DATE_OR_NULL,
        order_date=_DATE,
        replaces=_TEXT_OR_NULL,  # the card a reorder replaces (R3)
        replaces_order=_TEXT_OR_NULL,  # the first order of a reorder (R3)
        state=_TEXT,
        # a holder registered in the order visit (sealed at the central)
        holder_name=_MAYBE_TEXT,
        personnummer=_MAYBE_TEXT,
        hsa_id=optional(JsonType.STRING, nullable=True),
        organisation=_MAYBE_TEXT,
    ),
    # the central's production step: the card number assigned, the card sent
    EventType.ORDER_SHIPPED: _schema(
        order_id=_TEXT, card_serial=_TEXT, state=_TEXT, rek_id=_TEXT_OR_NULL
    ),
    EventType.IDENTITY_CHECKED: _schema(
        check_id=_TEXT,
        holder_id=_TEXT_OR_NULL,
        task=_TEXT,
        document_kind=_TEXT_OR_NULL,
        issuing_state=_TEXT,
        document_number_hash=_TEXT,
        expiry=_DATE_OR_NULL,
        result=_TEXT,
        verdict=_TEXT,
        photo_matches=_FLAG,
        reason=_TEXT_OR_NULL,
    ),
    EventType.RECEIPT_SIGNED: _schema(
        event_id=_TEXT, digest=_TEXT, slot=_TEXT, signature=_TEXT, certificate=_TEXT
    ),
    EventType.REFUSAL: _schema(reason=_TEXT, action=_TEXT, serial=_TEXT_OR_NULL),
    EventType.DEMO_SEEDED: _schema(office=_TEXT, holders=_COUNT, cards=_COUNT, operators=_COUNT),
}


# What the central applies: the types the kiosk's workflows write. Not order.shipped (the
# central's own production step writes it), nor the four kept
# only for readers (above): the two card states only card management sets, and the two
# types no workflow writes any more. An event of any other type (``holder.*``, or a
# type from a kiosk newer than the central) is recorded in the kiosk's chain and
# rejected, never applied.
KIOSK_EVENT_TYPES: frozenset[EventType] = frozenset(SCHEMAS) - {
    EventType.CARD_SHIPPED,
    EventType.CARD_REPLACED,
    EventType.CARD_UNLOCKED,
    EventType.ORDER_PIN_LETTER,
    EventType.ORDER_SHIPPED,
}


# by the type's text: a dictionary lookup per event instead of an enum call
_SCHEMAS_BY_TEXT: Mapping[str, PayloadSchema] = {
    kind.value: schema for kind, schema in SCHEMAS.items()
}


def schema_for(event_type: str) -> PayloadSchema:
    """The payload schema of ``event_type``; :class:`UnknownEventTypeError` if none."""
    schema = _SCHEMAS_BY_TEXT.get(event_type) if isinstance(event_type, str) else None
    if schema is None:
        raise UnknownEventTypeError(event_type)
    return schema


def validate(event_type: str, payload: object) -> None:
    """Raise a :class:`~protocol.payload_schema.PayloadError` unless ``payload`` fits
    the schema of ``event_type`` (every required field, no other field, right types)."""
    schema_for(event_type).check(event_type, payload)

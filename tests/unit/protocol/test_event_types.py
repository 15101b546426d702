"""The event types and their payload schemas: what validate() accepts and refuses.

(The workflow world checks every event the workflow tests write against its schema too:
tests/unit/workflows/conftest.py.)
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from protocol.event_types import SCHEMAS, EventType, schema_for, validate
from protocol.payload_schema import (
    FieldTypeError,
    JsonType,
    MissingFieldError,
    PayloadError,
    PayloadNotObjectError,
    UnexpectedFieldError,
    UnknownEventTypeError,
)

PNR = "191212121212"

# One payload per type, shaped as its writer shapes it.
EXAMPLES: dict[EventType, dict[str, Any]] = {
    EventType.CARD_ACTIVATED: {
        "serial": "S1",
        "holder_id": "H1",
        "office_id": "KK-SOLNA",
        "state": "active",
    },
    EventType.CARD_BLOCKED: {
        "serial": "S1",
        "reason": "lost",
        "certificates": ["authentication", "signing"],
        "state": "blocked",
        "holder_id": "H1",
        "hsa_id": None,
        "holder_name": "Tolvan Tolvansson",
        "personnummer": PNR,
        "operator": "SE2321000016-CLK1",
        "office_id": "KK-SOLNA",
        "received_at": "2026-11-28T18:00:00+00:00",
        "card_present": False,
        "holder_present": True,
        "duties_confirmed": ["telia_call"],
    },
    EventType.CARD_PIN_CHANGED: {"serial": "S1"},
    EventType.CARD_PIN_LOCKED: {"serial": "S1", "state": "locked"},
    EventType.CARD_PUK_BLOCKED: {"serial": "S1", "state": "puk_blocked"},
    EventType.CARD_UNLOCKED: {"serial": "S1", "method": "in_person"},
    EventType.CARD_UNLOCKED_IN_PERSON: {
        "serial": "S1",
        "path": "in_person",
        "office_id": "KK-SOLNA",
        "new_pin_verified": True,
        "state": "active",
    },
    EventType.CARD_UNLOCKED_WITH_CODE_LETTER: {
        "serial": "S1",
        "path": "code_letter",
        "office_id": "KK-SOLNA",
        "new_pin_verified": False,
        "state": "active",
    },
    EventType.CARD_NAME_CHANGE_RECORDED: {
        "serial": "S1",
        "kind": "name_change",
        "since": "2026-11-01",
        "due": "2027-02-01",
    },
    EventType.CARD_RETURN_DUE: {
        "serial": "S1",
        "kind": "return",
        "since": "2026-11-01",
        "due": "2027-02-01",
    },
    EventType.CARD_RETURNED: {"serial": "S1", "state": "returned"},
    EventType.CARD_RETURN_KEPT: {"serial": "S1", "reason": "continues in another unit"},
    EventType.CARD_REORDERED: {
        "serial": "S1",
        "replaced_by": "S2",
        "reason": "not_delivered",
        "new_photo": False,
        "state": "blocked",
    },
    EventType.CARD_ORDERED: {
        "serial": "S2",
        "holder_id": "H1",
        "replaces": "S1",
        "photo_date": None,
        "photo_office_id": None,
        "state": "ordered",
    },
    EventType.CARD_SHIPPED: {"serial": "S1"},
    EventType.ORDER_PLACED: {
        "order_id": "O1",
        "holder_id": "H1",
        "office_id": "KK",
        "card_kind": "ordinary",
        "delivery": "a_post",
        "with_photo": True,
        "photo_digest": "ab" * 32,
        "photo_office_id": "KK",
        "photo_date": "2026-02-03",
        "order_date": "2026-02-03",
        "replaces": None,
        "replaces_order": None,
        "state": "ordered",
    },
    EventType.ORDER_SHIPPED: {
        "order_id": "O1",
        "card_serial": "S2",
        "state": "shipped",
        "rek_id": None,
    },
    EventType.CARD_REPLACED: {"serial": "S1", "state": "replaced"},
    EventType.CARD_FACTS_ENTERED: {
        "serial": "S1",
        "product_number": "712",
        "assurance_level": None,
        "office_id": "KK-SOLNA",
        "source": "back_of_card",
    },
    EventType.ORDER_REPLACEMENT_CARD: {"serial": "S1", "holder_id": "H1", "office_id": "KK"},
    EventType.ORDER_CODE_LETTER: {
        "serial": "S1",
        "holder_id": "H1",
        "order": "code_letter",
        "office_id": "KK-SOLNA",
    },
    EventType.ORDER_PUK_LETTER: {
        "serial": "S1",
        "holder_id": "H1",
        "order": "puk_letter",
        "office_id": "KK-SOLNA",
    },
    EventType.ORDER_PIN_LETTER: {"serial": "S1"},
    EventType.IDENTITY_CHECKED: {
        "check_id": "c1",
        "holder_id": None,
        "task": "unlock",
        "document_kind": "passport",
        "issuing_state": "SWE",
        "document_number_hash": "ab" * 32,
        "expiry": "2029-01-01",
        "result": "approved",
        "verdict": "ok",
        "photo_matches": True,
        "reason": None,
    },
    EventType.RECEIPT_SIGNED: {
        "event_id": "e1",
        "digest": "cd" * 32,
        "slot": "9C",
        "signature": "c2lnbmF0dXJl",
        "certificate": "Y2VydA==",
    },
    EventType.REFUSAL: {"reason": "error.card_is_blocked", "action": "unlock", "serial": None},
    EventType.DEMO_SEEDED: {"office": "KK-SOLNA", "holders": 8, "cards": 12, "operators": 3},
}


def test_every_event_type_has_a_schema_and_an_example() -> None:
    assert set(SCHEMAS) == set(EventType)
    assert set(EXAMPLES) == set(EventType)


def test_a_member_is_its_string_on_the_wire_and_in_lookups() -> None:
    assert EventType.CARD_BLOCKED == "card.blocked"
    assert json.dumps({"t": EventType.CARD_BLOCKED}) == '{"t": "card.blocked"}'
    assert {"card.blocked": 1}[EventType.CARD_BLOCKED] == 1
    assert EventType("card.blocked") is EventType.CARD_BLOCKED
    assert f"{EventType.REFUSAL}" == "refusal"


@pytest.mark.parametrize("event_type", list(EventType), ids=str)
def test_the_example_and_its_required_fields_alone_validate(event_type: EventType) -> None:
    example = EXAMPLES[event_type]
    validate(event_type, example)
    validate(str(event_type), example)  # as it arrives from a journal or the wire
    schema = schema_for(event_type)
    validate(event_type, {k: v for k, v in example.items() if k in schema.required_fields})


@pytest.mark.parametrize("event_type", list(EventType), ids=str)
def test_every_required_field_is_required(event_type: EventType) -> None:
    for name in schema_for(event_type).required_fields:
        payload = {k: v for k, v in EXAMPLES[event_type].items() if k != name}
        with pytest.raises(MissingFieldError) as caught:
            validate(event_type, payload)
        assert caught.value.field == name
        assert caught.value.event_type == event_type


def test_an_unknown_event_type_is_refused() -> None:
    with pytest.raises(UnknownEventTypeError) as caught:
        validate("card.tested", {"serial": "S1"})
    assert caught.value.event_type == "card.tested"
    assert isinstance(caught.value, PayloadError)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("payload", [None, [], "serial", 7])
def test_a_payload_must_be_an_object(payload: object) -> None:
    with pytest.raises(PayloadNotObjectError):
        validate(EventType.CARD_PIN_CHANGED, payload)


def test_a_field_the_type_does_not_have_is_refused() -> None:
    with pytest.raises(UnexpectedFieldError) as caught:
        validate(EventType.CARD_PIN_CHANGED, {"serial": "S1", "pin": "123456"})
    assert caught.value.field == "pin"
    assert "123456" not in str(caught.value)


@pytest.mark.parametrize(
    ("event_type", "name", "value"),
    [
        (EventType.CARD_PIN_CHANGED, "serial", 17),
        (EventType.CARD_PIN_CHANGED, "serial", None),  # required and not nullable
        (EventType.DEMO_SEEDED, "cards", True),  # a boolean is not an integer
        (EventType.DEMO_SEEDED, "cards", "12"),
        (EventType.CARD_REORDERED, "new_photo", 1),
        (EventType.CARD_BLOCKED, "certificates", "authentication"),
        (EventType.CARD_BLOCKED, "certificates", ["authentication", 9]),
        (EventType.CARD_BLOCKED, "card_present", None),  # optional, but not nullable
    ],
)
def test_a_value_of_the_wrong_type_is_refused(
    event_type: EventType, name: str, value: object
) -> None:
    payload = {**EXAMPLES[event_type], name: value}
    with pytest.raises(FieldTypeError) as caught:
        validate(event_type, payload)
    assert caught.value.field == name
    expected = schema_for(event_type).fields[name].type
    assert expected.value in str(caught.value)


def test_nullable_fields_take_null_and_optional_ones_may_be_absent() -> None:
    schema = schema_for(EventType.IDENTITY_CHECKED)
    assert schema.fields["expiry"].nullable and schema.fields["expiry"].required
    assert schema.fields["expiry"].type is JsonType.DATE
    blocked = schema_for(EventType.CARD_BLOCKED)
    assert not blocked.fields["source"].required
    validate(
        EventType.CARD_BLOCKED,
        {
            "serial": "S1",
            "reason": "deadline_return",
            "certificates": ["authentication"],
            "state": "blocked",
            "source": "deadline_sweep",
            "deadline": "return",
            "due": "2027-02-01",
            "received_at": "2027-02-02T10:00:00+00:00",
            "card_present": False,
            "holder_present": False,
        },
    )


def test_the_first_problem_is_reported_in_a_fixed_order() -> None:
    # missing before unexpected before wrong type, each in schema order
    payload = {"reason": 5, "extra": 1}
    with pytest.raises(MissingFieldError) as missing:
        validate(EventType.REFUSAL, payload)
    assert missing.value.field == "action"
    with pytest.raises(UnexpectedFieldError):
        validate(EventType.REFUSAL, {**payload, "action": "unlock", "serial": None})
    with pytest.raises(FieldTypeError) as wrong:
        validate(EventType.REFUSAL, {"reason": 5, "action": 6, "serial": None})
    assert wrong.value.field == "reason"


def test_errors_never_carry_a_value() -> None:
    """Payloads carry personal identity numbers and names; errors name fields only."""
    bad = {**EXAMPLES[EventType.CARD_BLOCKED], "personnummer": int(PNR), "note": PNR}
    for payload in (bad, {k: v for k, v in bad.items() if k != "note"}):
        with pytest.raises(PayloadError) as caught:
            validate(EventType.CARD_BLOCKED, payload)
        assert PNR not in str(caught.value)
        assert PNR not in repr(caught.value.args)


def test_product_code_names_event_types_by_their_members() -> None:
    """No string literal in the product packages spells an event type: they use
    ``EventType`` (so a renamed or removed type cannot be missed somewhere)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    spelled = {member.value for member in EventType}
    found: list[str] = []
    for package in ("kiosk", "screens", "devices", "store", "central", "protocol"):
        for path in sorted((root / package).rglob("*.py")):
            if path == root / "protocol" / "event_types.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [
                f"{path.relative_to(root)}:{node.lineno} {node.value!r}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and node.value in spelled
            ]
    assert not found, "\n".join(found)

"""Payloads that fit their event type's schema, for tests that push events to the central.

The central rejects a payload off its schema (``malformed payload``), so a test that
writes ``card.activated {"serial": "S1"}`` to mean "an activation of S1" gets the other
fields its writer would put there: :func:`complete` fills every required field the test
did not give with a value shaped as the kiosk's workflows shape it. Fields the test
gives are kept as they are, also those the schema does not know (a test that pushes a
bad payload on purpose still pushes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from protocol.event_types import SCHEMAS, EventType
from protocol.payload_schema import JsonType

# The state each card event's writer puts in its payload.
STATES: Mapping[str, str] = {
    EventType.CARD_ACTIVATED: "active",
    EventType.CARD_BLOCKED: "blocked",
    EventType.CARD_PIN_LOCKED: "locked",
    EventType.CARD_PUK_BLOCKED: "puk_blocked",
    EventType.CARD_UNLOCKED_IN_PERSON: "active",
    EventType.CARD_UNLOCKED_WITH_CODE_LETTER: "active",
    EventType.CARD_RETURNED: "returned",
    EventType.CARD_REORDERED: "blocked",
    EventType.CARD_ORDERED: "ordered",
}

_BY_NAME: Mapping[str, Any] = {
    "holder_id": "H-TEST",
    "reason": "lost",
    "path": "in_person",
    "kind": "return",
    "since": "2026-01-01",
    "due": "2026-04-01",
    "order": "code_letter",
    "replaces": "S-OLD",
    "replaced_by": "S-NEW",
    "task": "activation",
    "issuing_state": "SWE",
    "document_number_hash": "ab" * 32,
    "result": "approved",
    "verdict": "ok",
    "action": "activation",
}

_BY_TYPE: Mapping[JsonType, Any] = {
    JsonType.STRING: "x",
    JsonType.INTEGER: 0,
    JsonType.BOOLEAN: False,
    JsonType.STRING_LIST: [],
    JsonType.DATE: "2026-01-01",
}


def complete(event_type: str, payload: Mapping[str, Any], *, office: str) -> dict[str, Any]:
    """``payload`` with every required field of ``event_type``'s schema it lacks (an
    unknown type: ``payload`` as it is)."""
    out = dict(payload)
    try:
        schema = SCHEMAS[EventType(event_type)]
    except ValueError:
        return out
    for name, spec in schema.fields.items():
        if not spec.required or name in out:
            continue
        if name == "state":
            out[name] = STATES.get(event_type, "active")
        elif name == "office_id":
            out[name] = office
        elif spec.nullable:
            out[name] = None
        else:
            out[name] = _BY_NAME.get(name, _BY_TYPE[spec.type])
    return out

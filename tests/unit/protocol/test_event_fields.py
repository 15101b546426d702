"""The text fields of an event checked together (protocol.event_fields): the same
answer, and the same first field named, as checking each field alone."""

from __future__ import annotations

from typing import Any

import pytest

from protocol.event_fields import (
    FIELD_FORMS,
    TEXT_CHECKS,
    V2_FIELD_FORMS,
    V2_TEXT_CHECKS,
    TextChecks,
    TextForm,
)

GOOD: dict[str, Any] = {
    "event_id": "9b2f3c1e-0000-4000-8000-000000000001",
    "kiosk_id": "kiosk-solna-1",
    "occurred_at": "2026-11-28T18:00:00.123456Z",
    "operator": "SE2321000016-1234",
    "event_type": "card.activated",
    "prev_hash": "0" * 64,
    "hash": "ab" * 32,
    "signature": "cd" * 64,
    "payload_nonce": "ef" * 16,
    "payload_digest": "12" * 32,
    "prev_signature": "0" * 128,
}
BAD_VALUES = [None, "", 7, b"x", "a\nb", "a\x00", "a\x7f", "Å" * 200, "AB" * 32, "0" * 63]


def _alone(data: dict[str, Any], forms: dict[str, TextForm] | Any) -> str | None:
    """The first field off its form, each checked by itself (None: all fit)."""
    for name, form in forms.items():
        value = data[name]
        if value is None and form.nullable:
            continue
        if not (
            isinstance(value, str)
            and len(value) <= form.max_length
            and form.pattern.fullmatch(value)
        ):
            return name
    return None


def _together(data: dict[str, Any], checks: TextChecks) -> str | None:
    try:
        checks.texts(data)
    except ValueError as exc:
        return next(name for name in checks.forms if f" {name} " in str(exc))
    return None


@pytest.mark.parametrize(
    ("checks", "forms"), [(TEXT_CHECKS, FIELD_FORMS), (V2_TEXT_CHECKS, V2_FIELD_FORMS)]
)
def test_fields_checked_together_answer_as_each_alone(checks: TextChecks, forms: Any) -> None:
    assert _together(GOOD, checks) is None
    tried = 0
    for name in forms:
        for bad in BAD_VALUES:
            data = {**GOOD, name: bad}
            assert _together(data, checks) == _alone(data, forms), (name, bad)
            tried += 1
        for length in (forms[name].max_length, forms[name].max_length + 1):
            data = {**GOOD, name: "a" * length}
            assert _together(data, checks) == _alone(data, forms), (name, length)
    assert tried == len(forms) * len(BAD_VALUES)


def test_a_newline_in_one_field_cannot_shift_the_others() -> None:
    data = {**GOOD, "event_id": "a\nb", "kiosk_id": "c"}
    assert _together(data, TEXT_CHECKS) == "event_id"
    assert _together({**GOOD, "operator": None}, TEXT_CHECKS) is None
    assert _together({**GOOD, "operator": ""}, TEXT_CHECKS) is None

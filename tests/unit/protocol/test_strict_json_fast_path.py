"""The orjson fast path of protocol.strict_json accepts and refuses what the standard
library path does, with the same reasons (orjson reads big integers as floats)."""

from __future__ import annotations

import json

import pytest

from protocol.strict_json import MAX_DEPTH, StrictJsonError, decode_body


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"seq": 18446744073709551616}', "an integer outside the 64-bit range"),  # 2**64
        (b'{"seq": 9223372036854775808}', "an integer outside the 64-bit range"),  # 2**63
        (b'{"seq": -9223372036854775809}', "an integer outside the 64-bit range"),
        (b'{"name": "\\ud800"}', "a string with an unpaired surrogate"),
        (b'{"x": NaN}', "NaN is not a JSON number"),
        (b'{"x": 1e999}', "a number out of range"),
        (b"\xff", "the body is not UTF-8"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), f"nested deeper than {MAX_DEPTH} levels"),
    ],
)
def test_refusals_keep_the_standard_library_reason(body: bytes, reason: str) -> None:
    with pytest.raises(StrictJsonError) as refused:
        decode_body(body)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": 1.5, "b": [1, -2, 9223372036854775807], "c": "\\u00e5\xc3\xa5", "d": null}',
        b'{"events": [{"seq": 1, "payload": {"x": true}}], "kiosk_id": "k"}',
        b"[" * MAX_DEPTH + b"]" * MAX_DEPTH,
        b'"just a string"',
    ],
)
def test_accepted_bodies_decode_as_the_standard_library_does(body: bytes) -> None:
    assert decode_body(body) == json.loads(body)

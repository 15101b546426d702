"""What the fuzzing of the central found, parsed in one place: every malformed body or
query is a ``WireFormatError`` with its code and a reason (the HTTP answer is a 4xx), or
an event the receiver marks malformed; nothing raises anything else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from protocol.checkpoint import HeadAnswer
from protocol.event_format import GENESIS_HASH, SignedEvent
from protocol.wire import ErrorCode, PullQuery, PushRequest, WireFormatError

# A fixed key: the parametrised bodies below carry its signature in their test ids, which
# must be the same in every process of a parallel run.
EVENT = SignedEvent.create(
    Ed25519PrivateKey.from_private_bytes(bytes(range(32))),
    event_id="9b2f3c1e-0000-4000-8000-000000000001",
    kiosk_id="k1",
    seq=1,
    occurred_at="2026-11-28T18:00:00.123456Z",
    operator="SE2321000016-1234",
    event_type="card.activated",
    payload={"serial": "A1", "namn": "Åsa Öberg", "emoji": "\U0001f600"},
    prev_hash=GENESIS_HASH,
).to_dict()


def _body(events: list[Any], kiosk_id: Any = "k1") -> bytes:
    return json.dumps({"kiosk_id": kiosk_id, "events": events}).encode()


def _refused(body: bytes) -> WireFormatError:
    with pytest.raises(WireFormatError) as caught:
        PushRequest.from_body(body)
    assert caught.value.detail
    return caught.value


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (_body([dict(EVENT, seq=float("inf"))]), ErrorCode.BAD_JSON),  # seq: Infinity
        (_body([dict(EVENT, seq=float("-inf"))]), ErrorCode.BAD_JSON),
        (_body([dict(EVENT, seq=float("nan"))]), ErrorCode.BAD_JSON),
        (_body([dict(EVENT, seq=1e999)]), ErrorCode.BAD_JSON),
        (_body([dict(EVENT, seq=2**63)]), ErrorCode.BAD_JSON),
        (_body([dict(EVENT, operator="a\ud800")]), ErrorCode.BAD_JSON),  # escaped \ud800
        (json.dumps({"\udfff": 1}).encode(), ErrorCode.BAD_JSON),
        (
            '{"kiosk_id":"k1","events":["\ud800"]}'.encode("utf-8", "surrogatepass"),
            ErrorCode.BAD_JSON,
        ),
        (b"[" * 100_000 + b"]" * 100_000, ErrorCode.BAD_JSON),  # 100k-deep nesting
        (
            b'{"kiosk_id":"k1","events":[{"payload":' + b"[" * 40 + b"]" * 40 + b"}]}",
            ErrorCode.BAD_JSON,
        ),
        (b'{"kiosk_id":"k1","events":[' + b"{}," * 200_000 + b"{}]}", ErrorCode.BODY_TOO_LARGE),
        (b"\xff\xfe", ErrorCode.BAD_JSON),
        (b'{"kiosk_id":', ErrorCode.BAD_JSON),
        (_body([], kiosk_id="k\x001"), ErrorCode.BAD_REQUEST),
        (_body([], kiosk_id="k" * 65), ErrorCode.BAD_REQUEST),
        (_body([], kiosk_id=7), ErrorCode.BAD_REQUEST),
        (_body([[1]]), ErrorCode.BAD_REQUEST),
    ],
)
def test_a_malformed_push_body_is_refused_with_a_code_and_a_reason(
    body: bytes, code: ErrorCode
) -> None:
    assert _refused(body).code is code


def test_a_well_formed_push_body_is_read_as_sent() -> None:
    request = PushRequest.from_body(json.dumps({"kiosk_id": "k1", "events": [EVENT]}).encode())
    event = SignedEvent.from_dict(request.events[0])
    assert event.to_dict() == EVENT and event.hash_ok()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seq", "1"),
        ("seq", 1.0),
        ("seq", True),
        ("seq", 0),
        ("seq", 2**63),
        ("event_id", 7),
        ("event_id", "x" * 37),
        ("kiosk_id", ["k1"]),
        ("kiosk_id", "k\x00"),
        ("operator", {"hsa": 1}),
        ("occurred_at", "yesterday"),
        ("event_type", None),
        ("event_type", "e" * 65),
        ("payload", [["serial", "A1"]]),
        ("payload", "{}"),
        ("prev_hash", "0" * 63),
        ("hash", "Z" * 64),
        ("signature", 12),
    ],
)
def test_an_event_field_of_the_wrong_type_or_form_is_malformed_not_coerced(
    field: str, value: object
) -> None:
    with pytest.raises(ValueError, match="not a journal event"):
        SignedEvent.from_dict(dict(EVENT, **{field: value}))


@pytest.mark.parametrize(
    "params",
    [
        {"kiosk_id": "k1", "cursor": str(2**63)},
        {"kiosk_id": "k1", "cursor": "-1"},
        {"kiosk_id": "k1", "cursor": "9" * 5000},
        {"kiosk_id": "k1", "cursor": "1e3"},
        {"kiosk_id": "k1", "limit": "0"},
        {"kiosk_id": "k1", "limit": str(2**64)},
        {"kiosk_id": "k\x00"},
        {"kiosk_id": ""},
        {},
    ],
)
def test_a_malformed_pull_query_is_refused_with_a_reason(params: dict[str, str]) -> None:
    with pytest.raises(WireFormatError) as caught:
        PullQuery.from_params(params)
    assert caught.value.code is ErrorCode.BAD_REQUEST and caught.value.detail


def test_pull_cursors_up_to_2_63_minus_1_are_read() -> None:
    query = PullQuery.from_params({"kiosk_id": "k1", "cursor": str(2**63 - 1)})
    assert query.cursor == 2**63 - 1
    assert HeadAnswer.kiosk_id_from_params({"kiosk_id": "k1"}) == "k1"
    with pytest.raises(WireFormatError):
        HeadAnswer.kiosk_id_from_params({"kiosk_id": "k1\x00"})

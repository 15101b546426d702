"""Malformed pushes and pulls against a real central (uvicorn over mutual TLS, on
PostgreSQL): thousands of generated requests, not one 5xx, every refusal a 4xx that says
why, and ``/v1/health`` answering all along. The test prints how many it sent."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central.service import CentralService
from clock import FixedClock
from devices.virtual.pki import TestPki
from protocol.event_format import GENESIS_HASH, SignedEvent, format_timestamp
from protocol.wire import ErrorCode
from tests.support.central_tls import CentralTls, ClientFiles
from tests.support.pgserver import PostgresServer
from tests.support.sync_world import CentralProcess, Kiosk

pytestmark = pytest.mark.integration

EXAMPLES = 1200  # each sends one push and one pull
KIOSK_ID = "kiosk-fuzz"
ERROR_CODES = {code.value for code in ErrorCode}


@pytest.fixture
def central_db(request: pytest.FixtureRequest) -> str:
    """PostgreSQL, the central's production database (strict about text and integers)."""
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database("central")


@pytest.fixture
def tls(tmp_path: Path, now: dt.datetime) -> CentralTls:
    return CentralTls.create(TestPki.create(now=now), tmp_path / "pki")


@pytest.fixture
def registered(
    tls: CentralTls, kiosk_factory: Callable[..., Kiosk], central_service: CentralService
) -> tuple[Kiosk, ClientFiles]:
    kiosk = kiosk_factory(KIOSK_ID)
    client = tls.client(KIOSK_ID)
    central_service.register_kiosk(
        kiosk_id=KIOSK_ID,
        office_id=kiosk.office_id,
        public_key=kiosk.keys.public_key_bytes(),
        cert_fingerprint=client.fingerprint,
    )
    return kiosk, client


SURROGATES = st.sampled_from(["\ud800", "a\udfff", "\udbff\u0041", "x\ud83d"])
TEXT = st.one_of(
    st.text(max_size=80),
    st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=80),
    SURROGATES,
    st.sampled_from(["", "\x00", "a\x00b", "x" * 65, "x" * 5000, "NaN", "1e999"]),
)
NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=2**70),
    st.integers(min_value=-(2**70), max_value=0),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("inf"), float("-inf"), float("nan"), 2**63, 2**64, -(2**63) - 1]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
FIELDS = (
    "event_id",
    "kiosk_id",
    "seq",
    "occurred_at",
    "operator",
    "event_type",
    "payload",
    "prev_hash",
    "hash",
    "signature",
)


def _encode(value: Any, ascii_only: bool) -> bytes:
    """JSON as a careless or hostile sender writes it: NaN and Infinity as Python
    does, unpaired surrogates either escaped or as (invalid) UTF-8 bytes."""
    text = json.dumps(value, ensure_ascii=ascii_only, allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def push_bodies(draw: st.DrawFn, template: dict[str, Any]) -> bytes:
    kind = draw(st.sampled_from(["field", "drop", "batch", "top", "nesting", "bytes", "truncated"]))
    ascii_only = draw(st.booleans())
    event = dict(template)
    if kind == "field":
        event[draw(st.sampled_from(FIELDS))] = draw(JSON)
        return _encode({"kiosk_id": KIOSK_ID, "events": [event]}, ascii_only)
    if kind == "drop":
        del event[draw(st.sampled_from(FIELDS))]
        return _encode({"kiosk_id": KIOSK_ID, "events": [event, draw(JSON)]}, ascii_only)
    if kind == "batch":
        return _encode(
            {draw(st.sampled_from(["kiosk_id", "events", "x"])): draw(JSON), "events": [event]}
            | {"kiosk_id": draw(st.one_of(st.just(KIOSK_ID), JSON))},
            ascii_only,
        )
    if kind == "top":
        return _encode(draw(JSON), ascii_only)
    if kind == "nesting":
        depth = draw(st.sampled_from([31, 33, 100, 1000, 100_000]))
        opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
        inner = opener * depth + b"1" + closer * depth
        return b'{"kiosk_id":"%s","events":[{"payload":%s}]}' % (KIOSK_ID.encode(), inner)
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    whole = _encode({"kiosk_id": KIOSK_ID, "events": [event]}, ascii_only)
    return whole[: draw(st.integers(min_value=0, max_value=len(whole) - 1))]


PARAM_VALUES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["9223372036854775808", "9223372036854775807", "-1", "1e3", "0x10", ""]),
    st.text(max_size=30),
    st.just("9" * 5000),
)
PULL_PARAMS = st.dictionaries(
    st.sampled_from(["kiosk_id", "cursor", "limit"]),
    st.one_of(PARAM_VALUES, st.just(KIOSK_ID), st.sampled_from(["\x00", "x" * 65])),
)


def test_thousands_of_malformed_pushes_and_pulls_get_4xx_or_an_answer_never_5xx(
    central_factory: Callable[..., CentralProcess],
    tls: CentralTls,
    registered: tuple[Kiosk, ClientFiles],
    clock: FixedClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    kiosk, client = registered
    central = central_factory(*tls.server_args())
    template = SignedEvent.create(
        kiosk.keys.signing_key,
        event_id=str(uuid.uuid4()),
        kiosk_id=KIOSK_ID,
        seq=1,
        occurred_at=format_timestamp(clock()),
        operator="SE2321000016-CLK1",
        event_type="identity.checked",
        payload={"document": "passport"},
        prev_hash=GENESIS_HASH,
    ).to_dict()
    sent: dict[str, int] = {"push": 0, "pull": 0}
    statuses: dict[int, int] = {}
    http = httpx.Client(base_url=central.url, verify=tls.context(client), timeout=30)

    def check(response: httpx.Response) -> None:
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            answer = response.json()
            assert answer["error"] in ERROR_CODES and answer["detail"], answer

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=push_bodies(template), params=PULL_PARAMS)
    def one(body: bytes, params: dict[str, str]) -> None:
        check(http.post("/v1/push", content=body, headers={"content-type": "application/json"}))
        sent["push"] += 1
        check(http.get("/v1/pull", params=params))
        sent["pull"] += 1
        if (sent["push"] % 200) == 0:
            assert http.get("/v1/health").json() == {"ok": True}

    try:
        one()
        assert http.get("/v1/health").json() == {"ok": True}
    finally:
        http.close()
    total = sent["push"] + sent["pull"]
    with capsys.disabled():
        print(
            f"\ncentral fuzz: {total} malformed requests "
            f"({sent['push']} pushes, {sent['pull']} pulls), statuses {sorted(statuses.items())}"
        )
    assert total >= 2 * EXAMPLES

"""The central app answers the fuzzing's findings with a 4xx and a reason, never a 500
(Starlette test client, real SQLite): ``seq: Infinity``, unpaired surrogates, pull
cursors from 2^63, 100k-deep nesting, oversized bodies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from central.app import build_app
from central.database import make_engine, migrate
from central.fields import CentralCipher
from central.service import CentralService
from clock import FixedClock

GOOD_FP = "aa" * 32
EVENT = (
    '{"event_id":"9b2f3c1e-0000-4000-8000-000000000001","kiosk_id":"k1","seq":%s,'
    '"occurred_at":"2026-11-28T18:00:00.123456Z","operator":"%s","event_type":"x",'
    '"payload":{},"prev_hash":"%s","hash":"%s","signature":"%s"}'
)


def _push(seq: str = "1", operator: str = "op") -> bytes:
    event = EVENT % (seq, operator, "0" * 64, "1" * 64, "2" * 128)
    return ('{"kiosk_id":"k1","events":[' + event + "]}").encode("utf-8", "surrogatepass")


@pytest.fixture
def client(tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    migrate(engine)
    service = CentralService(engine, cipher=CentralCipher.generate(), clock=clock)
    service.register_kiosk(
        kiosk_id="k1", office_id="KK-SOLNA", public_key=b"\x01" * 32, cert_fingerprint=GOOD_FP
    )
    app = build_app(
        service,
        peer_fingerprint=lambda _scope: GOOD_FP,
        require_certificate=True,
        max_body_bytes=64 * 1024,
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
    engine.dispose()


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (_push(seq="Infinity"), 400, "bad_json"),
        (_push(seq="NaN"), 400, "bad_json"),
        (_push(seq=str(2**63)), 400, "bad_json"),
        (_push(operator="\\ud800"), 400, "bad_json"),
        (_push(operator="\ud800"), 400, "bad_json"),
        (b"[" * 30_000 + b"]" * 30_000, 400, "bad_json"),
        (b" " * (64 * 1024 + 1), 413, "body_too_large"),
    ],
    ids=["infinity", "nan", "seq-2-63", "escaped-surrogate", "raw-surrogate", "deep", "big"],
)
def test_a_malformed_push_gets_a_4xx_with_a_reason(
    client: TestClient, body: bytes, status: int, error: str
) -> None:
    response = client.post("/v1/push", content=body)
    assert response.status_code == status, response.text
    assert response.json()["error"] == error and response.json()["detail"]


def test_a_push_with_a_well_formed_event_is_answered(client: TestClient) -> None:
    response = client.post("/v1/push", content=_push())
    assert response.status_code == 200
    assert response.json()["results"][0]["reason"] == "hash mismatch"


@pytest.mark.parametrize("cursor", [str(2**63), str(2**64), "-1", "9" * 5000])
def test_a_pull_cursor_out_of_range_gets_400(client: TestClient, cursor: str) -> None:
    response = client.get("/v1/pull", params={"kiosk_id": "k1", "cursor": cursor})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "bad_request"
    assert client.get("/v1/pull", params={"kiosk_id": "k1", "cursor": 2**63 - 1}).status_code == 200

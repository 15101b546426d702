"""The central's HTTP answers to refused kiosks (Starlette test client, real SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from central.app import build_app
from central.database import make_engine, migrate
from central.fields import CentralCipher
from central.service import CentralService
from clock import FixedClock
from protocol.event_format import GENESIS_HASH

GOOD_FP = "aa" * 32


@pytest.fixture
def service(tmp_path: Path, clock: FixedClock) -> Iterator[CentralService]:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    migrate(engine)
    svc = CentralService(engine, cipher=CentralCipher.generate(), clock=clock)
    svc.register_kiosk(
        kiosk_id="k1", office_id="KK-SOLNA", public_key=b"\x01" * 32, cert_fingerprint=GOOD_FP
    )
    yield svc
    engine.dispose()


def _requests(client: TestClient, kiosk_id: str) -> dict[str, Any]:
    return {
        "push": client.post("/v1/push", json={"kiosk_id": kiosk_id, "events": []}),
        "pull": client.get("/v1/pull", params={"kiosk_id": kiosk_id, "cursor": 0}),
        "head": client.get("/v1/head", params={"kiosk_id": kiosk_id}),
    }


def test_unknown_kiosk_is_refused_on_every_route(service: CentralService) -> None:
    client = TestClient(build_app(service))
    for route, response in _requests(client, "nobody").items():
        assert response.status_code == 403, route
        assert response.json()["error"] == "unknown_kiosk", route


def test_wrong_certificate_is_refused_on_every_route(service: CentralService) -> None:
    client = TestClient(
        build_app(service, peer_fingerprint=lambda _scope: "bb" * 32, require_certificate=True)
    )
    for route, response in _requests(client, "k1").items():
        assert response.status_code == 403, route
        assert response.json()["error"] == "wrong_certificate", route


def test_registered_certificate_is_answered_on_every_route(service: CentralService) -> None:
    client = TestClient(
        build_app(service, peer_fingerprint=lambda _scope: GOOD_FP, require_certificate=True)
    )
    answers = _requests(client, "k1")
    assert {route: r.status_code for route, r in answers.items()} == {
        "push": 200,
        "pull": 200,
        "head": 200,
    }
    assert answers["head"].json() == {
        "kiosk_id": "k1",
        "head_seq": 0,
        "head_hash": GENESIS_HASH,
        "ahead": [],  # the seqs held ahead of the head (blocks pushed first)
    }

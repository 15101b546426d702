"""The central's checkpoints, its fork alarms for pushed forks and its new routes
(Starlette test client, real SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from central.app import build_app
from central.checkpoints import PUSHED_FORK, checkpoint_public_key
from central.database import make_engine, migrate
from central.fields import CentralCipher
from central.service import CentralService
from clock import FixedClock
from protocol.checkpoint import Checkpoint
from protocol.event_format import GENESIS_HASH, SignedEvent
from tests.unit.sync.test_central_service import FakeKiosk

KEY = Ed25519PrivateKey.generate()


@pytest.fixture
def service(tmp_path: Path, clock: FixedClock) -> Iterator[CentralService]:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    migrate(engine)
    svc = CentralService(engine, cipher=CentralCipher.generate(), clock=clock, checkpoint_key=KEY)
    svc.set_operator(hsa_id="CLK", role="clerk", office_id="KK-SOLNA")
    yield svc
    engine.dispose()


def test_every_push_answer_carries_a_checkpoint_of_the_head_signed_with_the_central_key(
    service: CentralService, clock: FixedClock
) -> None:
    kiosk = FakeKiosk(service)
    events = [kiosk.event("identity.checked", {"check_id": f"c{n}"}) for n in range(3)]
    answer = service.push("k1", events)
    assert answer.checkpoint is not None
    checkpoint = Checkpoint.from_dict(answer.checkpoint)
    assert (checkpoint.kiosk_id, checkpoint.head_seq, checkpoint.head_hash) == (
        "k1",
        3,
        events[-1]["hash"],
    )
    assert checkpoint.central_key == checkpoint_public_key(KEY)
    assert checkpoint.signature_ok(bytes.fromhex(checkpoint.central_key))
    assert checkpoint.issued_at.startswith(clock().strftime("%Y-%m-%dT%H:%M"))
    head = service.head_answer("k1")
    assert head.checkpoint is not None
    assert Checkpoint.from_dict(head.checkpoint).head_seq == 3


def test_a_pushed_event_at_a_used_seq_with_another_hash_raises_one_fork_alarm(
    service: CentralService,
) -> None:
    kiosk = FakeKiosk(service)
    first = kiosk.event("identity.checked", {"check_id": "c1"})
    service.push("k1", [first])
    service.push("k1", [first])  # the same event again: a duplicate, no alarm
    assert service.fork_alarms() == []
    kiosk.seq, kiosk.prev = 0, GENESIS_HASH
    fork = kiosk.event("identity.checked", {"check_id": "other"})
    for _ in range(2):  # a kiosk retrying: one alarm
        assert service.push("k1", [fork]).results[0].reason == "sequence number already used"
    (alarm,) = service.fork_alarms("k1")
    assert (alarm.kind, alarm.seq, alarm.central_hash, alarm.kiosk_hash) == (
        PUSHED_FORK,
        1,
        first["hash"],
        fork["hash"],
    )


def test_the_chain_is_handed_back_in_pages_of_linked_events(service: CentralService) -> None:
    kiosk = FakeKiosk(service)
    events = [kiosk.event("identity.checked", {"check_id": f"c{n}"}) for n in range(5)]
    service.push("k1", events)
    page = service.chain_page("k1", 1, 3)
    assert [e["seq"] for e in page["events"]] == [2, 3, 4] and page["more"]
    assert [SignedEvent.from_dict(e).hash_ok() for e in page["events"]] == [True] * 3
    assert service.chain_page("k1", 4, 3) == {"events": [events[4]], "more": False}


def test_the_new_routes_refuse_what_every_route_refuses(service: CentralService) -> None:
    FakeKiosk(service)
    client = TestClient(build_app(service))
    assert client.get("/v1/events", params={"kiosk_id": "nobody"}).status_code == 403
    assert client.get("/v1/events", params={"kiosk_id": "k1", "after": "x"}).status_code == 400
    assert client.get("/v1/events", params={"kiosk_id": "k1"}).json() == {
        "events": [],
        "more": False,
    }
    report = {"kiosk_id": "k1", "kind": "behind", "seq": 0, "local_hash": None}
    assert client.post("/v1/divergence", json=report).json() == {"recorded": True}
    assert client.post("/v1/divergence", json={**report, "kind": "x"}).status_code == 400
    assert client.post("/v1/divergence", content=b"{").status_code == 400
    assert client.post("/v1/divergence", content=b" " * 5000).status_code == 413
    unknown = client.post("/v1/divergence", json={**report, "kiosk_id": "nobody"})
    assert unknown.status_code == 403
    assert [a.kind for a in service.fork_alarms()] == ["behind"]

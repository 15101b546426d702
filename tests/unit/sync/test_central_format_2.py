"""The central accepts format 2 events (a payload digest hashed, signatures chained),
keeps them verifiable, and refuses one whose payload does not match its digest."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from central.database import make_engine, migrate
from central.fields import CentralCipher
from central.service import CentralService
from clock import FixedClock
from protocol.event_format import (
    FORMAT_V1,
    FORMAT_V2,
    GENESIS_HASH,
    GENESIS_SIGNATURE,
    SignedEvent,
    format_timestamp,
)
from tests.support.payloads import complete

OFFICE = "KK-SOLNA"


@pytest.fixture
def service(tmp_path: Path, clock: FixedClock) -> Iterator[CentralService]:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    migrate(engine)
    svc = CentralService(engine, cipher=CentralCipher.generate(), clock=clock)
    svc.set_operator(hsa_id="CLK", role="clerk", office_id=OFFICE)
    svc.put_cards([{"serial": "S1", "office_id": OFFICE, "state": "shipped"}])
    yield svc
    engine.dispose()


class Kiosk:
    def __init__(self, service: CentralService) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.clock = service.clock
        self.prev, self.prev_signature, self.seq = GENESIS_HASH, GENESIS_SIGNATURE, 0
        public = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        service.register_kiosk(kiosk_id="k1", office_id=OFFICE, public_key=public)

    def event(self, event_type: str, payload: dict[str, Any], event_format: int) -> SignedEvent:
        self.seq += 1
        event = SignedEvent.create(
            self.key,
            event_id=str(uuid.uuid4()),
            kiosk_id="k1",
            seq=self.seq,
            occurred_at=format_timestamp(self.clock()),
            operator="CLK",
            event_type=event_type,
            payload=complete(event_type, payload, office=OFFICE),
            prev_hash=self.prev,
            prev_signature=self.prev_signature,
            event_format=event_format,
        )
        self.prev, self.prev_signature = event.hash, event.signature
        return event


def test_format_2_events_are_accepted_after_format_1_and_stay_verifiable(
    service: CentralService,
) -> None:
    kiosk = Kiosk(service)
    sent = [
        kiosk.event("identity.checked", {}, FORMAT_V1),
        kiosk.event("card.activated", {"serial": "S1"}, FORMAT_V2),
        kiosk.event("identity.checked", {}, FORMAT_V2),
    ]
    answer = service.push("k1", [e.to_dict() for e in sent])
    assert [r.status for r in answer.results] == ["accepted"] * 3
    assert service.card_state("S1") == "active"
    assert service.events("k1") == sent
    assert service.verify_chain("k1")


def test_a_format_2_payload_that_does_not_match_its_digest_is_refused(
    service: CentralService,
) -> None:
    kiosk = Kiosk(service)
    event = kiosk.event("card.activated", {"serial": "S1"}, FORMAT_V2).to_dict()
    event["payload"] = {**event["payload"], "serial": "S2"}
    answer = service.push("k1", [event])
    assert [(r.status, r.reason) for r in answer.results] == [("invalid", "hash mismatch")]
    assert service.card_state("S1") == "shipped"


def _linked_batch(kiosk: Kiosk, count: int) -> list[dict[str, Any]]:
    return [kiosk.event("identity.checked", {}, FORMAT_V2).to_dict() for _ in range(count)]


def test_a_signature_changed_in_a_linked_batch_is_found_though_few_are_checked(
    service: CentralService,
) -> None:
    """The central checks one signature per run of linked format 2 events; a signature
    changed on the way breaks the run there and is checked by itself."""
    kiosk = Kiosk(service)
    batch = _linked_batch(kiosk, 5)
    other = Ed25519PrivateKey.generate()
    batch[2]["signature"] = other.sign(bytes.fromhex(batch[2]["hash"])).hex()
    answer = service.push("k1", batch)
    assert [(r.status, r.reason) for r in answer.results] == [
        ("accepted", None),
        ("accepted", None),
        ("invalid", "bad signature"),
        ("gap", None),
        ("gap", None),
    ]


def test_a_bad_signature_at_the_end_of_a_linked_batch_is_found(service: CentralService) -> None:
    kiosk = Kiosk(service)
    batch = _linked_batch(kiosk, 4)
    batch[3]["signature"] = "00" * 64
    answer = service.push("k1", batch)
    assert [r.status for r in answer.results] == ["accepted"] * 3 + ["invalid"]
    assert answer.results[3].reason == "bad signature"
    assert service.verify_chain("k1")


def test_a_batch_is_sealed_under_a_fresh_nonce_per_event(service: CentralService) -> None:
    from sqlalchemy import select

    from central.tables import EVENT

    kiosk = Kiosk(service)
    sent = [kiosk.event("identity.checked", {}, FORMAT_V2) for _ in range(20)]
    answer = service.push("k1", [e.to_dict() for e in sent])
    assert [r.status for r in answer.results] == ["accepted"] * 20
    with service.engine.connect() as conn:
        sealed = [bytes(b) for b in conn.execute(select(EVENT.c.payload_enc)).scalars()]
    assert len({blob[:12] for blob in sealed}) == 20  # no nonce twice
    assert service.events("k1") == sent  # and each opens to the payload sent
    with pytest.raises(ValueError, match="12 bytes"):
        service.cipher.seal(b"x", b"aad", b"short")

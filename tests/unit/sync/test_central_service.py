"""The central's push and pull logic on a real (temporary) SQLite database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from central.database import VERSION_TABLE, make_engine, migrate
from central.errors import UnknownKioskError, WrongKioskCertificateError
from central.fields import CentralCipher
from central.models import CentralBase
from central.service import CentralService
from clock import FixedClock
from protocol.event_format import GENESIS_HASH, SignedEvent, format_timestamp
from tests.support.payloads import complete

OFFICE = "KK-SOLNA"


@pytest.fixture
def service(tmp_path: Path, clock: FixedClock) -> Iterator[CentralService]:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    migrate(engine)
    svc = CentralService(engine, cipher=CentralCipher.generate(), clock=clock)
    svc.set_operator(hsa_id="CLK", role="clerk", office_id=OFFICE)
    svc.set_operator(hsa_id="ADM", role="id_admin", office_id=OFFICE)
    svc.put_cards(
        [
            {"serial": "S1", "office_id": OFFICE, "state": "shipped", "product_number": "701"},
            {"serial": "S2", "office_id": OFFICE, "state": "active", "product_number": "511"},
            {"serial": "X1", "office_id": "KK-OTHER", "state": "active"},
        ]
    )
    yield svc
    engine.dispose()


class FakeKiosk:
    """Signs events like a kiosk's journal (real keys, real hash chain), stamped by the
    central's clock (the kiosk and the central agree on the time)."""

    def __init__(self, service: CentralService, kiosk_id: str = "k1") -> None:
        self.kiosk_id = kiosk_id
        self.clock = service.clock
        self.key = Ed25519PrivateKey.generate()
        self.prev = GENESIS_HASH
        self.seq = 0
        service.register_kiosk(
            kiosk_id=kiosk_id,
            office_id=OFFICE,
            public_key=self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        )

    def event(
        self,
        event_type: str,
        payload: dict[str, Any],
        operator: str | None = "CLK",
        *,
        as_given: bool = False,
    ) -> dict[str, Any]:
        """A signed event; its payload completed to its schema unless ``as_given``."""
        if not as_given:
            payload = complete(event_type, payload, office=OFFICE)
        self.seq += 1
        event = SignedEvent.create(
            self.key,
            event_id=str(uuid.uuid4()),
            kiosk_id=self.kiosk_id,
            seq=self.seq,
            occurred_at=format_timestamp(self.clock()),
            operator=operator,
            event_type=event_type,
            payload=payload,
            prev_hash=self.prev,
        )
        self.prev = event.hash
        return event.to_dict()


def statuses(answer: Any) -> list[str]:
    return [r.status for r in answer.results]


def test_migrations_match_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), CentralBase.metadata)
    assert [d for d in diff if d[0] != "remove_table" or d[1].name != VERSION_TABLE] == []
    migrate(engine)  # idempotent
    engine.dispose()


def test_push_accepts_in_order_and_advances_head(service: CentralService) -> None:
    kiosk = FakeKiosk(service)
    batch = [kiosk.event("card.activated", {"serial": "S1"}), kiosk.event("identity.checked", {})]
    answer = service.push("k1", batch)
    assert statuses(answer) == ["accepted", "accepted"]
    assert answer.head_seq == 2 and answer.expected_seq == 3
    assert service.kiosk_head("k1") == (2, batch[-1]["hash"])
    assert service.card_state("S1") == "active"
    assert service.verify_chain("k1")


def test_duplicate_batch_answers_the_same_and_applies_nothing_twice(
    service: CentralService,
) -> None:
    kiosk = FakeKiosk(service)
    batch = [
        kiosk.event("card.activated", {"serial": "S1"}),
        kiosk.event("card.unlocked_in_person", {"serial": "S1"}),
    ]
    first = service.push("k1", batch)
    cursor = service.pull("k1", 0).cursor
    second = service.push("k1", batch)
    assert [(r.event_id, r.status, r.reason) for r in first.results] == [
        (r.event_id, r.status, r.reason) for r in second.results
    ]
    assert [r.duplicate for r in second.results] == [True, True]
    assert service.event_counts("k1") == {"accepted": 1, "rejected": 1}
    assert service.pull("k1", cursor).changes == []  # nothing changed again


def test_gap_names_the_expected_seq_and_records_nothing(service: CentralService) -> None:
    kiosk = FakeKiosk(service)
    events = [kiosk.event("identity.checked", {"check_id": f"c{n}"}) for n in range(4)]
    answer = service.push("k1", events[2:])
    assert statuses(answer) == ["gap", "gap"] and answer.expected_seq == 1
    assert service.event_counts("k1") == {}
    assert statuses(service.push("k1", events)) == ["accepted"] * 4


def test_tampered_events_are_invalid(service: CentralService) -> None:
    kiosk = FakeKiosk(service)
    good = kiosk.event("identity.checked", {"n": 1})
    edited = dict(good, payload={"n": 2})
    resigned = dict(good, signature="00" * 64)
    other = FakeKiosk(service, "k2")
    foreign = other.event("identity.checked", {})
    answer = service.push("k1", [edited, resigned, foreign, {"seq": 1}])
    assert [(r.status, r.reason) for r in answer.results] == [
        ("invalid", "hash mismatch"),
        ("invalid", "bad signature"),
        ("invalid", "wrong kiosk"),
        ("invalid", "malformed event"),
    ]
    assert service.event_counts() == {}


def test_forked_chain_is_refused(service: CentralService) -> None:
    kiosk = FakeKiosk(service)
    first = kiosk.event("identity.checked", {"check_id": "c1"})
    service.push("k1", [first])
    kiosk.prev = "ab" * 32  # a second event that does not link to the first
    broken = kiosk.event("identity.checked", {"check_id": "c2"})
    assert [(r.status, r.reason) for r in service.push("k1", [broken]).results] == [
        ("invalid", "chain broken")
    ]
    kiosk.seq, kiosk.prev = 0, GENESIS_HASH
    fork = kiosk.event("identity.checked", {"check_id": "c3"})  # another seq 1
    assert service.push("k1", [fork]).results[0].reason == "sequence number already used"
    assert service.verify_chain("k1")


def test_block_ahead_of_the_chain_is_accepted_and_linked_later(
    service: CentralService,
) -> None:
    kiosk = FakeKiosk(service)
    events = [kiosk.event("identity.checked", {"check_id": f"c{n}"}) for n in range(3)]
    block = kiosk.event("card.blocked", {"serial": "S2"})
    after = kiosk.event("card.activated", {"serial": "S2"})
    answer = service.push("k1", [block])
    assert statuses(answer) == ["accepted"] and answer.head_seq == 0
    assert service.card_state("S2") == "blocked"
    answer = service.push("k1", [*events, after])
    assert statuses(answer) == ["accepted"] * 3 + ["rejected"]
    assert answer.head_seq == 5
    assert service.verify_chain("k1")


def test_central_block_wins_over_a_later_kiosk_change(service: CentralService) -> None:
    kiosk = FakeKiosk(service)
    service.block_card("S1")
    answer = service.push("k1", [kiosk.event("card.activated", {"serial": "S1"})])
    assert [(r.status, r.reason) for r in answer.results] == [("rejected", "card blocked")]
    service.put_cards([{"serial": "S1", "office_id": OFFICE, "state": "active"}])
    assert service.card_state("S1") == "blocked"  # not even an import unblocks it


def test_central_block_of_an_unknown_card_is_refused(service: CentralService) -> None:
    FakeKiosk(service)
    before = service.pull("k1", 0).cursor
    with pytest.raises(ValueError, match="unknown card"):
        service.block_card("NOPE")
    assert service.card_state("NOPE") is None
    assert service.pull("k1", 0).cursor == before  # no change id taken


def test_pull_pages_in_change_order_for_the_office_only(service: CentralService) -> None:
    FakeKiosk(service)
    service.put_holder(holder_id="H1", office_id=OFFICE, data={"name": "x"})
    service.put_puk_entry(serial="S1", office_id=OFFICE, ciphertext="abcd")
    with pytest.raises(ValueError, match="7xx"):
        service.put_puk_entry(serial="S2", office_id=OFFICE, ciphertext="abcd")
    seen: list[tuple[str, str]] = []
    cursor, pages = 0, 0
    while True:
        answer = service.pull("k1", cursor, limit=2)
        ids = [c.change_id for c in answer.changes]
        assert ids == sorted(ids) and all(i > cursor for i in ids)
        seen += [(c.entity, c.key) for c in answer.changes]
        cursor, pages = answer.cursor, pages + 1
        if not answer.more:
            break
    assert pages >= 3
    assert sorted(seen) == sorted(
        [
            ("operator", "CLK"),
            ("operator", "ADM"),
            ("card", "S1"),
            ("card", "S2"),
            ("holder", "H1"),
            ("puk", "S1"),
        ]
    )
    assert service.pull("k1", cursor).changes == []


def test_unknown_kiosk_and_wrong_certificate(service: CentralService) -> None:
    with pytest.raises(UnknownKioskError):
        service.push("nobody", [])
    service.register_kiosk(
        kiosk_id="k9", office_id=OFFICE, public_key=b"\x01" * 32, cert_fingerprint="AB" * 32
    )
    service.check_kiosk_certificate("k9", "ab" * 32, required=True)
    with pytest.raises(WrongKioskCertificateError):
        service.check_kiosk_certificate("k9", "cd" * 32, required=True)
    with pytest.raises(WrongKioskCertificateError):
        service.check_kiosk_certificate("k9", None, required=True)


def test_a_malformed_or_unknown_event_is_recorded_rejected_and_the_chain_goes_on(
    service: CentralService,
) -> None:
    kiosk = FakeKiosk(service)
    bad_date = kiosk.event(
        "card.ordered", {"serial": "S9", "replaces": "S1", "photo_date": "not-a-date"}
    )
    newer = kiosk.event("card.teleported", {"serial": "S1"}, as_given=True)
    holder = kiosk.event(
        "holder.updated", {"holder_id": "H1", "data": {"name": "X"}}, as_given=True
    )
    after = kiosk.event("card.activated", {"serial": "S1"})
    answer = service.push("k1", [bad_date, newer, holder, after])
    assert [(r.status, r.reason) for r in answer.results] == [
        ("rejected", "malformed payload"),
        ("rejected", "malformed payload"),
        ("rejected", "malformed payload"),
        ("accepted", None),
    ]
    assert answer.head_seq == 4  # recorded in the chain: the next event is no gap
    assert service.verify_chain("k1")
    assert service.card_state("S9") is None  # never applied
    assert service.holder_data("H1") is None
    assert service.card_state("S1") == "active"


def test_r7_an_id_admin_of_another_office_is_rejected_at_this_office(
    service: CentralService,
) -> None:
    service.set_operator(hsa_id="KISTA-ADM", role="id_admin", office_id="KK-KISTA")
    kiosk = FakeKiosk(service)  # a KK-SOLNA kiosk
    foreign = kiosk.event("card.unlocked_in_person", {"serial": "S2"}, operator="KISTA-ADM")
    own = kiosk.event("card.unlocked_in_person", {"serial": "S2"}, operator="ADM")
    answer = service.push("k1", [foreign, own])
    assert [(r.status, r.reason) for r in answer.results] == [
        ("rejected", "operator of another office"),
        ("accepted", None),
    ]

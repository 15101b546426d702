"""Blocks received outside the chain (R9, issue 17): decided by the push's rules,
applied once, and matched by event id when the recovered chain brings them again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from central.database import make_engine, migrate
from central.fields import CentralCipher
from central.service import CentralService
from central.tables import CARD, OUTSIDE_BLOCK
from clock import FixedClock
from protocol.event_format import GENESIS_HASH, SignedEvent, format_timestamp
from tests.support.payloads import complete
from tests.unit.sync.test_central_service import OFFICE, FakeKiosk


@pytest.fixture
def service(tmp_path: Path, clock: FixedClock) -> Iterator[CentralService]:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    migrate(engine)
    svc = CentralService(engine, cipher=CentralCipher.generate(), clock=clock)
    svc.set_operator(hsa_id="CLK", role="clerk", office_id=OFFICE)
    svc.put_cards([{"serial": "S1", "office_id": OFFICE, "state": "active"}])
    yield svc
    engine.dispose()


def _block(
    kiosk: FakeKiosk,
    *,
    event_id: str,
    seq: int,
    prev_hash: str,
    serial: str = "S1",
    operator: str | None = "CLK",
) -> dict[str, Any]:
    """A block signed by ``kiosk`` at ``seq`` after ``prev_hash`` (a diverged journal's
    or the recovered chain's), with a chosen event id and a fixed time."""
    return SignedEvent.create(
        kiosk.key,
        event_id=event_id,
        kiosk_id=kiosk.kiosk_id,
        seq=seq,
        occurred_at=format_timestamp(kiosk.clock()),
        operator=operator,
        event_type="card.blocked",
        payload=complete("card.blocked", {"serial": serial, "reason": "lost"}, office=OFFICE),
        prev_hash=prev_hash,
    ).to_dict()


def _change(service: CentralService) -> int:
    with service.engine.connect() as conn:
        return int(conn.execute(select(CARD.c.change_id).where(CARD.c.serial == "S1")).scalar_one())


def _answers(answer: Any) -> list[tuple[str, str | None, bool]]:
    return [(r.status, r.reason, r.duplicate) for r in answer.results]


def test_r9_a_block_outside_the_chain_is_applied_once_when_sent_twice(
    service: CentralService,
) -> None:
    kiosk = FakeKiosk(service)
    block = _block(kiosk, event_id=str(uuid.uuid4()), seq=7, prev_hash="ab" * 32)
    assert _answers(service.push_blocks("k1", [block])) == [("accepted", None, False)]
    assert service.card_state("S1") == "blocked"
    changed = _change(service)
    assert _answers(service.push_blocks("k1", [block])) == [("accepted", None, True)]
    assert _change(service) == changed
    assert service.kiosk_head("k1") == (0, GENESIS_HASH)  # the chain is not touched


def test_r9_the_replayed_block_in_the_chain_is_the_same_block_not_applied_again(
    service: CentralService,
) -> None:
    kiosk = FakeKiosk(service)
    event_id = str(uuid.uuid4())
    service.push_blocks("k1", [_block(kiosk, event_id=event_id, seq=7, prev_hash="ab" * 32)])
    changed = _change(service)
    replayed = _block(kiosk, event_id=event_id, seq=1, prev_hash=GENESIS_HASH)
    assert _answers(service.push("k1", [replayed])) == [("accepted", None, False)]
    assert _change(service) == changed
    assert service.kiosk_head("k1") == (1, replayed["hash"])
    with service.engine.connect() as conn:
        assert conn.execute(select(OUTSIDE_BLOCK.c.chain_seq)).scalar_one() == 1


def test_r9_an_outside_block_id_with_other_content_in_the_chain_is_event_id_reused(
    service: CentralService,
) -> None:
    kiosk = FakeKiosk(service)
    event_id = str(uuid.uuid4())
    service.push_blocks("k1", [_block(kiosk, event_id=event_id, seq=7, prev_hash="ab" * 32)])
    other = _block(kiosk, event_id=event_id, seq=1, prev_hash=GENESIS_HASH, serial="S9")
    assert _answers(service.push("k1", [other])) == [("invalid", "event id reused", False)]


def test_r9_a_block_outside_the_chain_follows_the_roster_rule_in_the_chain_too(
    service: CentralService,
) -> None:
    kiosk = FakeKiosk(service)
    event_id = str(uuid.uuid4())
    outside = _block(kiosk, event_id=event_id, seq=7, prev_hash="ab" * 32, operator="NOBODY")
    rejected = ("rejected", "operator not on roster", False)
    assert _answers(service.push_blocks("k1", [outside])) == [rejected]
    assert service.card_state("S1") == "active"
    replayed = _block(kiosk, event_id=event_id, seq=1, prev_hash=GENESIS_HASH, operator="NOBODY")
    assert _answers(service.push("k1", [replayed])) == [rejected]
    assert service.card_state("S1") == "active"

"""R9 with a diverged journal, against a real central process: a block written at a
kiosk restored from an older backup reaches the central outside the chain while the
journal cannot be brought back, and enters the chain once when it is (issue 17)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from central.service import CentralService
from central.tables import CARD, OUTSIDE_BLOCK
from protocol.checkpoint import DivergenceKind
from store.models import SyncState
from store.sync.client import SyncClient
from store.sync.divergence import Comparison
from store.sync.outside_chain import OUTSIDE_KEY_PREFIX
from tests.integration.sync.test_checkpoints import _activate, _backup, _reopen
from tests.support.sync_world import CentralProcess, Kiosk, assert_converged, seed_cards

pytestmark = pytest.mark.integration


def _recovery_deferred(client: SyncClient) -> None:
    """This round the recovery cannot run (as when the central's events of the kiosk do
    not verify): the journal stays diverged, only blocks may leave it."""

    def deferred(head_seq: int, head_hash: str) -> Comparison:
        return Comparison(DivergenceKind.BEHIND, head_seq)

    client.guard._recover = deferred  # type: ignore[method-assign]


def _card_change(central_service: CentralService, serial: str) -> int:
    with central_service.engine.connect() as conn:
        return int(
            conn.execute(select(CARD.c.change_id).where(CARD.c.serial == serial)).scalar_one()
        )


def test_r9_a_block_at_a_restored_diverged_kiosk_reaches_the_central_and_enters_the_chain_once(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    serials = seed_cards(central_service, 5)
    kiosk = kiosk_factory("kiosk-solna-1")
    for serial in serials[:2]:
        _activate(kiosk, serial)
    assert kiosk.client(central.url).run_round().accepted == 2
    backup = _backup(kiosk, "backup.sqlite3")
    for serial in serials[2:4]:
        _activate(kiosk, serial)
    assert kiosk.client(central.url).run_round().accepted == 2

    _reopen(kiosk, backup)  # seq 3 and 4 are the central's, not in this copy
    block = kiosk.append("card.blocked", {"serial": serials[4], "reason": "lost"})
    assert block.seq == 3
    client = kiosk.client(central.url)
    _recovery_deferred(client)
    report = client.run_round()
    assert report.online and report.diverged and report.blocks_outside_chain == 1, report
    assert central_service.card_state(serials[4]) == "blocked"  # usable nowhere now
    status = client.status()
    assert status.journal_diverged and status.blocks_outside_chain == 1
    assert status.waiting_blocks == 0  # the clerk sees it reached the central
    assert status.oldest_block_seconds is None  # and no block waiting for an age
    assert central_service.event_counts(kiosk.kiosk_id) == {"accepted": 4}  # chain untouched
    changed = _card_change(central_service, serials[4])

    again = client.run_round()  # answered: not sent again
    assert again.diverged and again.blocks_outside_chain == 0
    resent = client.transport.push_blocks(kiosk.kiosk_id, [block.to_dict()])  # sent twice
    assert [(r["status"], r["duplicate"]) for r in resent["results"]] == [("accepted", True)]
    assert _card_change(central_service, serials[4]) == changed  # applied once

    report = kiosk.client(central.url).run_round()  # the recovery runs: the block replayed
    assert report.online and not report.diverged and not report.rejections, report
    in_chain = [e for e in central_service.events(kiosk.kiosk_id) if e.event_type == "card.blocked"]
    assert [(e.event_id, e.seq) for e in in_chain] == [(block.event_id, 5)]  # once, same id
    assert _card_change(central_service, serials[4]) == changed  # not applied a second time
    with central_service.engine.connect() as conn:
        linked = conn.execute(select(OUTSIDE_BLOCK.c.event_id, OUTSIDE_BLOCK.c.chain_seq)).all()
    assert [tuple(row) for row in linked] == [(block.event_id, 5)]
    assert central_service.event_counts(kiosk.kiosk_id) == {"accepted": 5}
    assert kiosk.client(central.url).status().blocks_outside_chain == 0
    with kiosk.store.read_only() as session:  # the outside answer is forgotten once in chain
        keys = session.execute(select(SyncState.key)).scalars().all()
    assert not [key for key in keys if key.startswith(OUTSIDE_KEY_PREFIX)], keys
    assert_converged(central_service, kiosk)


def test_r9_a_block_outside_the_chain_needs_what_a_pushed_block_needs(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    """Same rules as the push (``central.rules.judge``): an operator not on the roster is
    rejected and nothing changes; an activation is no block; a forged signature fails."""
    serials = seed_cards(central_service, 2)
    kiosk = kiosk_factory("kiosk-solna-1")
    transport = kiosk.client(central.url).transport
    stranger = kiosk.append(
        "card.blocked", {"serial": serials[0], "reason": "lost"}, operator="SE999-NOBODY"
    )
    activation = _activate(kiosk, serials[1])
    forged = {
        **kiosk.append("card.blocked", {"serial": serials[1]}).to_dict(),
        "signature": "00" * 64,
    }
    answer = transport.push_blocks(
        kiosk.kiosk_id, [stranger.to_dict(), activation.to_dict(), forged]
    )
    assert [(r["status"], r["reason"]) for r in answer["results"]] == [
        ("rejected", "operator not on roster"),
        ("invalid", "not a block"),
        ("invalid", "bad signature"),
    ]
    assert [central_service.card_state(s) for s in serials] == ["shipped", "shipped"]

"""The comparison of the kiosk's journal with the central's checkpoint and head, and
the plan that brings a journal back (store.sync.divergence): pure functions."""

from __future__ import annotations

from protocol.checkpoint import DivergenceKind
from store.sync.divergence import (
    CentralEvent,
    LocalEvent,
    compare_with_head,
    plan_recovery,
    recovery_start,
)


def _h(n: int, side: str = "a") -> str:
    return f"{side}{n:063x}"


def _chain(first: int, last: int, side: str = "a") -> list[CentralEvent]:
    return [
        CentralEvent(n, _h(n, side), _h(n - 1, side) if n > 1 else "0" * 64)
        for n in range(first, last + 1)
    ]


def test_a_journal_at_or_past_the_head_with_its_hash_is_consistent() -> None:
    for local_head in (5, 9):
        assert compare_with_head(
            local_head=local_head, local_hash_at_head=_h(5), head_seq=5, head_hash=_h(5)
        ).consistent
    assert compare_with_head(
        local_head=0, local_hash_at_head=None, head_seq=0, head_hash="0" * 64
    ).consistent


def test_a_rolled_back_cut_or_wiped_journal_is_behind() -> None:
    for local_head in (0, 3, 4):
        found = compare_with_head(
            local_head=local_head, local_hash_at_head=None, head_seq=5, head_hash=_h(5)
        )
        assert (found.kind, found.seq) == (DivergenceKind.BEHIND, local_head)


def test_another_hash_at_the_heads_seq_is_a_fork() -> None:
    found = compare_with_head(
        local_head=7, local_hash_at_head=_h(5, "b"), head_seq=5, head_hash=_h(5)
    )
    assert (found.kind, found.seq) == (DivergenceKind.FORK, 5)


def test_recovery_starts_before_the_first_event_the_central_never_answered() -> None:
    assert recovery_start(local_head=5, head_seq=8, first_pending=None) == 5
    assert recovery_start(local_head=5, head_seq=8, first_pending=4) == 3
    assert recovery_start(local_head=9, head_seq=8, first_pending=None) == 8
    assert recovery_start(local_head=0, head_seq=8, first_pending=None) == 0


def test_a_restored_journal_takes_the_centrals_events_back() -> None:
    local = {n: LocalEvent(n, _h(n), pending=False) for n in range(4, 6)}
    plan = plan_recovery(start=3, local_hash_at_start=_h(3), local=local, central=_chain(4, 8))
    assert plan.fork_at is None
    assert plan.take == (6, 7, 8) and plan.replay == ()


def test_events_written_after_the_restore_are_written_again_after_the_centrals() -> None:
    local = {
        5: LocalEvent(5, _h(5), False),
        6: LocalEvent(6, _h(6, "b"), True),
        7: LocalEvent(7, _h(7, "b"), True),
    }
    plan = plan_recovery(start=5, local_hash_at_start=_h(5), local=local, central=_chain(6, 8))
    assert plan.fork_at is None
    assert plan.take == (6, 7, 8) and plan.replay == (6, 7)


def test_an_answered_event_the_central_holds_otherwise_is_a_fork() -> None:
    """Re-signed history: the local event at 6 was answered, yet differs."""
    local = {6: LocalEvent(6, _h(6, "b"), False), 7: LocalEvent(7, _h(7, "b"), True)}
    plan = plan_recovery(start=5, local_hash_at_start=_h(5), local=local, central=_chain(6, 8))
    assert plan.fork_at == 6 and plan.take == ()


def test_a_central_chain_that_does_not_link_to_the_local_head_is_a_fork() -> None:
    plan = plan_recovery(start=5, local_hash_at_start=_h(5, "b"), local={}, central=_chain(6, 8))
    assert plan.fork_at == 5


def test_a_wiped_journal_takes_everything_back() -> None:
    plan = plan_recovery(start=0, local_hash_at_start="0" * 64, local={}, central=_chain(1, 4))
    assert plan.take == (1, 2, 3, 4) and plan.replay == () and plan.fork_at is None

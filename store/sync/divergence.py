"""Comparing the kiosk's journal with what the central holds of it: pure functions.

Two comparisons, both against a chain head ``(seq, hash)`` that the central vouches
for (its signed checkpoint, or its head answer):

* :func:`compare_with_head`: a journal with fewer events than the head is *behind*
  (restored from an older backup, tail deleted, wiped); one whose event at the head's
  seq has another hash has *forked* (rewritten, or re-signed with the kiosk's key).
* :func:`plan_recovery`: a behind journal takes the central's events back. The
  central's events after the last seq both sides share are compared with the local
  ones: identical events stay, local events the central never accepted (written
  offline after a restore) are replayed after the central's, any other difference is
  a fork that no automatic recovery repairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from protocol.checkpoint import DivergenceKind


@dataclass(frozen=True)
class Comparison:
    """``kind`` None: consistent. ``seq``: the local head when behind, else the seq
    whose hashes differ."""

    kind: DivergenceKind | None
    seq: int = 0

    @property
    def consistent(self) -> bool:
        return self.kind is None


CONSISTENT = Comparison(None)


def compare_with_head(
    *, local_head: int, local_hash_at_head: str | None, head_seq: int, head_hash: str
) -> Comparison:
    """The journal (its last seq, and its hash at ``head_seq``) against a head the
    central vouches for."""
    if head_seq == 0:
        return CONSISTENT
    if local_head < head_seq:
        return Comparison(DivergenceKind.BEHIND, local_head)
    if local_hash_at_head != head_hash:
        return Comparison(DivergenceKind.FORK, head_seq)
    return CONSISTENT


@dataclass(frozen=True)
class LocalEvent:
    """What the comparison needs of one local journal event."""

    seq: int
    hash: str
    pending: bool  # never answered by the central


@dataclass(frozen=True)
class CentralEvent:
    seq: int
    hash: str
    prev_hash: str


@dataclass(frozen=True)
class RecoveryPlan:
    """``take``: the central's seqs to append; ``replay``: local seqs to write again
    after them; ``fork_at``: the seq of a difference no recovery repairs (None: none)."""

    take: tuple[int, ...] = ()
    replay: tuple[int, ...] = ()
    fork_at: int | None = None


def recovery_start(*, local_head: int, head_seq: int, first_pending: int | None) -> int:
    """The last seq from which the central's events are compared: neither side's head,
    and before the first local event the central never answered."""
    start = min(local_head, head_seq)
    if first_pending is not None:
        start = min(start, first_pending - 1)
    return max(start, 0)


def plan_recovery(
    *,
    start: int,
    local_hash_at_start: str,
    local: Mapping[int, LocalEvent],
    central: Sequence[CentralEvent],
) -> RecoveryPlan:
    """How to bring the journal to the central's chain. ``local``: the local events
    after ``start`` by seq; ``central``: the central's events after ``start`` in seq
    order, already verified (hash, signature, consecutive seqs)."""
    if central and central[0].prev_hash != local_hash_at_start:
        return RecoveryPlan(fork_at=start)
    take: list[int] = []
    replay_from: int | None = None
    for event in central:
        mine = local.get(event.seq)
        if replay_from is None and mine is not None and mine.hash == event.hash:
            continue
        if replay_from is None and mine is not None:
            replay_from = event.seq
        take.append(event.seq)
    replay = tuple(sorted(seq for seq in local if replay_from is not None and seq >= replay_from))
    answered = [seq for seq in replay if not local[seq].pending]
    if answered:
        return RecoveryPlan(fork_at=answered[0])
    return RecoveryPlan(tuple(take), replay)

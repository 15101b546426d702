"""The suite's processes run with the tuned collector (tests/support/gc_tuning.py)."""

from __future__ import annotations

import gc

from tests.support.gc_tuning import YOUNG_GENERATION_THRESHOLD


def test_the_collector_is_tuned_and_the_collected_suite_frozen() -> None:
    assert gc.get_threshold()[0] == YOUNG_GENERATION_THRESHOLD
    assert gc.get_freeze_count() > 0


def test_a_cycle_is_still_collected() -> None:
    class Node:
        other: object = None

    first, second = Node(), Node()
    first.other, second.other = second, first
    gc.collect()  # the previous cycles out of the way
    del first, second
    assert gc.collect() >= 2

"""The ``clock`` marker (tests/support/clock_marker.py) that picks the tests `make test` runs
a second time a year ahead: exactly those whose fixtures reach the clock's offset."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.support import clock_marker


@dataclass
class CollectedItem:
    """What the hook reads and writes of a collected test."""

    fixturenames: tuple[str, ...]
    markers: list[str] = field(default_factory=list)

    def add_marker(self, marker: pytest.MarkDecorator) -> None:
        self.markers.append(marker.name)


def test_tests_whose_fixtures_reach_the_clock_offset_are_marked_clock() -> None:
    through_now = CollectedItem(("now", "clock_offset_days"))
    through_world = CollectedItem(("world", "clock", "now", "clock_offset_days", "tmp_path"))
    without_clock = CollectedItem(("tmp_path", "monkeypatch"))
    clock_marker.pytest_collection_modifyitems([through_now, through_world, without_clock])  # type: ignore[list-item]
    assert through_now.markers == ["clock"]
    assert through_world.markers == ["clock"]
    assert without_clock.markers == []


# This suite's own clock fixtures: each reaches the offset, so a test that takes only one of
# them still runs a year ahead.


def test_a_test_taking_only_today_is_marked_clock(
    today: object, request: pytest.FixtureRequest
) -> None:
    assert request.node.get_closest_marker("clock") is not None


def test_a_test_taking_only_the_clock_is_marked_clock(
    clock: object, request: pytest.FixtureRequest
) -> None:
    assert request.node.get_closest_marker("clock") is not None


def test_a_test_without_the_clock_is_not_marked(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("clock") is None

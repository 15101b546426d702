"""Reader roles and the watcher loop, driven by a scripted PC/SC context."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Mapping

from devices.card.errors import PcscUnavailableError
from devices.card.pcsc import PNP_READER, ReaderStatus
from devices.card.readers import (
    CardInserted,
    CardRemoved,
    ReaderAppeared,
    ReaderAssignment,
    ReaderChange,
    ReaderDisappeared,
    ReaderRoles,
    ReaderWatcher,
)

OP = "Virtual PCD 00 00"
CU = "Virtual PCD 00 01"


def test_roles_by_pattern() -> None:
    roles = ReaderRoles(operator_pattern=r"^Cherry", customer_pattern=r"(?i)omnikey")
    assert roles.role_of("Cherry ST-1144 00 00") == "operator"
    assert roles.role_of("HID OMNIKEY 3121 00 00") == "customer"
    assert roles.role_of("Other") is None
    assert ReaderRoles().assign([CU, OP, "x"]) == {"operator": OP, "customer": CU}


class World:
    """Readers and cards as a fake daemon sees them; ``up`` False = daemon stopped."""

    def __init__(self) -> None:
        self.readers: dict[str, bool] = {OP: False, CU: False}
        self.up = True
        self.changed = threading.Condition()
        self.version = 0

    def set(self, **changes: object) -> None:
        with self.changed:
            for name, value in changes.items():
                setattr(self, name, value)
            self.version += 1
            self.changed.notify_all()

    def card(self, reader: str, present: bool) -> None:
        with self.changed:
            self.readers[reader] = present
            self.version += 1
            self.changed.notify_all()


class FakeContext:
    def __init__(self, world: World) -> None:
        if not world.up:
            raise PcscUnavailableError()
        self.world = world
        self.cancelled = False

    def list_readers(self) -> list[str]:
        if not self.world.up:
            raise PcscUnavailableError()
        return list(self.world.readers)

    def wait_for_change(
        self, current: Mapping[str, int], timeout_seconds: float
    ) -> list[ReaderStatus] | None:
        def snapshot() -> list[ReaderStatus]:
            out = [
                ReaderStatus(name, 0x20 if present else 0x10, present, b"\x3b" if present else b"")
                for name, present in self.world.readers.items()
                if name in current
            ]
            out.append(ReaderStatus(PNP_READER, len(self.world.readers) << 16, False, b""))
            return out

        with self.world.changed:
            if not self.world.up:
                raise PcscUnavailableError()
            now = snapshot()
            if any(current.get(s.name) != s.event_state for s in now):
                return now
            self.world.changed.wait_for(
                lambda: self.cancelled or not self.world.up or snapshot() != now, timeout_seconds
            )
            if self.cancelled:
                return None
            if not self.world.up:
                raise PcscUnavailableError()
            return snapshot()

    def cancel(self) -> None:
        with self.world.changed:
            self.cancelled = True
            self.world.changed.notify_all()

    def release(self) -> None:
        pass


def _drain(events: queue.Queue[ReaderChange], count: int) -> list[ReaderChange]:
    return [events.get(timeout=2) for _ in range(count)]


def test_watcher_reports_insert_remove_and_reader_loss() -> None:
    world = World()
    events: queue.Queue[ReaderChange] = queue.Queue()
    watcher = ReaderWatcher(
        lambda: FakeContext(world), events.put, poll_seconds=0.05, retry_seconds=0.01
    )
    with watcher:
        assert set(_drain(events, 2)) == {
            ReaderAppeared(OP, "operator"),
            ReaderAppeared(CU, "customer"),
        }
        assert watcher.ready.wait(2)
        world.card(CU, True)
        assert _drain(events, 1) == [CardInserted(CU, "customer", b"\x3b")]
        world.card(CU, False)
        assert _drain(events, 1) == [CardRemoved(CU, "customer")]
        world.card(OP, True)
        assert _drain(events, 1) == [CardInserted(OP, "operator", b"\x3b")]
        world.set(up=False)
        lost = _drain(events, 3)
        assert CardRemoved(OP, "operator") in lost
        assert {ReaderDisappeared(OP, "operator"), ReaderDisappeared(CU, "customer")} <= set(lost)
        world.set(up=True)
        back = _drain(events, 3)
        assert ReaderAppeared(OP, "operator") in back
        assert CardInserted(OP, "operator", b"\x3b") in back
    assert not watcher.running


def test_watcher_stops_promptly_while_waiting() -> None:
    world = World()
    watcher = ReaderWatcher(lambda: FakeContext(world), lambda e: None, poll_seconds=30)
    watcher.start()
    assert watcher.ready.wait(2)
    start = time.monotonic()
    watcher.stop()
    assert time.monotonic() - start < 1
    assert not watcher.running


def test_callback_failure_does_not_kill_watcher() -> None:
    world = World()
    seen: list[ReaderChange] = []

    def post(event: ReaderChange) -> None:
        seen.append(event)
        raise RuntimeError("boom")

    with ReaderWatcher(lambda: FakeContext(world), post, poll_seconds=0.05) as watcher:
        assert watcher.ready.wait(2)
        world.card(OP, True)
        deadline = time.monotonic() + 2
        while CardInserted(OP, "operator", b"\x3b") not in seen and time.monotonic() < deadline:
            time.sleep(0.01)
        assert watcher.running
    assert CardInserted(OP, "operator", b"\x3b") in seen


def test_watcher_posts_the_readers_again_when_a_login_binds_the_roles() -> None:
    """Two identical readers swapped names at a reboot: once the login bound the reader with
    the operator's card, the watcher names both readers by their roles for the session."""
    world = World()
    world.card(OP, True)
    world.card(CU, True)
    assignment = ReaderAssignment(ReaderRoles())
    events: queue.Queue[ReaderChange] = queue.Queue()
    watcher = ReaderWatcher(
        lambda: FakeContext(world), events.put, roles=assignment, poll_seconds=0.05
    )
    with watcher:
        first = _drain(events, 4)
        assert CardInserted(OP, "operator", b"\x3b") in first
        assert watcher.ready.wait(2)
        assignment.bind_operator(CU)
        assert set(_drain(events, 2)) == {
            CardInserted(CU, "operator", b"\x3b"),
            CardInserted(OP, "customer", b"\x3b"),
        }
        world.card(CU, False)  # the operator pulls their card: the operator reader empties
        assert _drain(events, 1) == [CardRemoved(CU, "operator")]

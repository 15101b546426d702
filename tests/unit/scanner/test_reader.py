"""The reader thread without a device: open failures, backoff, clean start and stop."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from devices.scanner.errors import ScannerOpenError, UnknownFramingError
from devices.scanner.serial_port import (
    ScannerConnected,
    ScannerDisconnected,
    ScannerEvent,
    SerialScannerReader,
    SerialSettings,
)


class Events:
    def __init__(self) -> None:
        self.items: list[ScannerEvent] = []
        self.changed = threading.Condition()

    def __call__(self, event: ScannerEvent) -> None:
        with self.changed:
            self.items.append(event)
            self.changed.notify_all()

    def wait_for(self, kind: type, count: int = 1, timeout: float = 3.0) -> list[ScannerEvent]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [e for e in self.items if isinstance(e, kind)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {kind.__name__} in {self.items}")
                self.changed.wait(left)


def test_unknown_framing_fails_at_construction() -> None:
    with pytest.raises(UnknownFramingError):
        SerialScannerReader(SerialSettings("loop://", framing="morse"), lambda e: None)


def test_missing_port_is_reported_once_and_retried(tmp_path: Path) -> None:
    events = Events()
    reader = SerialScannerReader(
        SerialSettings(str(tmp_path / "no-such-tty")),
        events,
        backoff_initial=0.01,
        backoff_max=0.02,
    )
    reader.start()
    try:
        (event,) = events.wait_for(ScannerDisconnected)
        assert isinstance(event, ScannerDisconnected)
        assert isinstance(event.error, ScannerOpenError)
        assert event.error.params == {"port": str(tmp_path / "no-such-tty")}
        time.sleep(0.2)  # several retries: still a single report
        assert len([e for e in events.items if isinstance(e, ScannerDisconnected)]) == 1
        assert reader.running
    finally:
        reader.stop()
    assert not reader.running


def test_loopback_port_connects_and_stops_cleanly() -> None:
    events = Events()
    with SerialScannerReader(SerialSettings("loop://"), events) as reader:
        events.wait_for(ScannerConnected)
        assert reader.connected
    assert not reader.running
    assert not reader.connected


def test_a_failing_listener_does_not_kill_the_reader() -> None:
    calls: list[ScannerEvent] = []

    def listener(event: ScannerEvent) -> None:
        calls.append(event)
        raise RuntimeError("listener bug")

    reader = SerialScannerReader(SerialSettings("loop://"), listener)
    reader.start()
    try:
        deadline = time.monotonic() + 2
        while not calls and time.monotonic() < deadline:
            time.sleep(0.01)
        assert calls and reader.running
    finally:
        reader.stop()


def test_start_and_stop_are_idempotent() -> None:
    reader = SerialScannerReader(SerialSettings("loop://"), lambda e: None)
    reader.start()
    reader.start()
    reader.stop()
    reader.stop()
    assert not reader.running

"""Real pseudo-terminals feeding the real pyserial adapter."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from devices.scanner.serial_port import ScannerEvent, SerialScannerReader, SerialSettings
from devices.virtual.scanner import VirtualScanner
from kiosk.demo_documents import demo_documents


class Events:
    """Thread-safe collector of scanner events with waiting helpers."""

    def __init__(self) -> None:
        self.items: list[ScannerEvent] = []
        self.changed = threading.Condition()

    def __call__(self, event: ScannerEvent) -> None:
        with self.changed:
            self.items.append(event)
            self.changed.notify_all()

    def of(self, kind: type) -> list[ScannerEvent]:
        with self.changed:
            return [e for e in self.items if isinstance(e, kind)]

    def wait_for(self, kind: type, count: int = 1, timeout: float = 5.0) -> list[ScannerEvent]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [e for e in self.items if isinstance(e, kind)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"waited for {count} {kind.__name__}: {self.items}")
                self.changed.wait(left)


@pytest.fixture
def events() -> Events:
    return Events()


ReaderFactory = Callable[..., SerialScannerReader]


@pytest.fixture
def make_reader(events: Events) -> Iterator[ReaderFactory]:
    readers: list[SerialScannerReader] = []

    def make(port: str, framing: str = "crlf", frame_timeout_ms: int = 500) -> SerialScannerReader:
        reader = SerialScannerReader(
            SerialSettings(port=port, framing=framing, frame_timeout_ms=frame_timeout_ms),
            events,
            backoff_initial=0.02,
            backoff_max=0.1,
            poll_interval=0.02,
        )
        readers.append(reader)
        reader.start()
        return reader

    yield make
    for reader in readers:
        reader.stop()


@pytest.fixture(scope="session")
def documents(today: dt.date) -> Mapping[str, tuple[str, ...]]:
    """The documents the virtual scanners scan: the demo's, dated from the suite's day."""
    return demo_documents(today)


@pytest.fixture
def make_scanner(
    documents: Mapping[str, tuple[str, ...]],
) -> Iterator[Callable[..., VirtualScanner]]:
    scanners: list[VirtualScanner] = []

    def make(framing: str = "crlf", link: Path | None = None) -> VirtualScanner:
        scanner = VirtualScanner.open(framing, link=link, documents=documents)
        scanners.append(scanner)
        return scanner

    yield make
    for scanner in scanners:
        scanner.close()

"""A pty-backed virtual scanner feeding the real serial adapter: every framing,
character gaps, noise, partial frames, queued scans, unplug and replug."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import pytest

from devices.scanner.errors import ScannerOpenError, ScannerUnpluggedError
from devices.scanner.framing import FRAMINGS
from devices.scanner.serial_port import (
    ScannerConnected,
    ScannerDisconnected,
    ScanRejected,
    SerialScannerReader,
    ZoneScanned,
)
from devices.virtual.scanner import VirtualScanner
from kiosk.config import KioskConfig, ScannerConfig, validate
from kiosk.documents import mrz
from tests.integration.scanner.conftest import Events, ReaderFactory

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]
ScannerFactory = Callable[..., VirtualScanner]
Documents = Mapping[str, tuple[str, ...]]


def zones(events: Events) -> list[tuple[str, ...]]:
    return [e.lines for e in events.of(ZoneScanned)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("framing", FRAMINGS)
def test_each_framing_delivers_zones_that_parse(
    framing: str,
    events: Events,
    make_reader: ReaderFactory,
    make_scanner: ScannerFactory,
    documents: Documents,
    today: date,
) -> None:
    scanner = make_scanner(framing)
    make_reader(scanner.path, framing)
    events.wait_for(ScannerConnected)
    scanner.scan("swedish-passport")
    scanner.scan("specimen-td1")
    events.wait_for(ZoneScanned, 2)
    assert zones(events) == [documents["swedish-passport"], documents["specimen-td1"]]
    result = mrz.parse(zones(events)[0], today)
    assert result.valid and result.personnummer == "198503122387"


@pytest.mark.parametrize("framing", ["crlf", "stx-etx-bcc", "soh-length"])
def test_gaps_between_characters_are_tolerated(
    framing: str,
    events: Events,
    make_reader: ReaderFactory,
    make_scanner: ScannerFactory,
    documents: Documents,
) -> None:
    scanner = make_scanner(framing)
    make_reader(scanner.path, framing, frame_timeout_ms=300)
    events.wait_for(ScannerConnected)
    frame = scanner.frame("specimen-td3")
    for start in range(0, len(frame), 7):
        scanner.write_raw(frame[start : start + 7])
        time.sleep(0.004)
    (event,) = events.wait_for(ZoneScanned)
    assert event.lines == documents["specimen-td3"]  # type: ignore[attr-defined]
    assert not events.of(ScanRejected)


@pytest.mark.parametrize("framing", FRAMINGS)
def test_noise_between_frames_and_queued_scans(
    framing: str,
    events: Events,
    make_reader: ReaderFactory,
    make_scanner: ScannerFactory,
    documents: Documents,
) -> None:
    scanner = make_scanner(framing)
    make_reader(scanner.path, framing)
    events.wait_for(ScannerConnected)
    noise = b"\x00\xff\x13\x11"
    names = ["specimen-td3", "specimen-td2", "swedish-id-card", "foreign-passport"]
    scanner.write_raw(noise + noise.join(scanner.frame(name) for name in names) + noise)
    events.wait_for(ZoneScanned, len(names))
    assert zones(events) == [documents[name] for name in names]


@pytest.mark.parametrize("framing", FRAMINGS)
def test_partial_frame_is_dropped_after_the_frame_timeout(
    framing: str,
    events: Events,
    make_reader: ReaderFactory,
    make_scanner: ScannerFactory,
    documents: Documents,
) -> None:
    scanner = make_scanner(framing)
    make_reader(scanner.path, framing, frame_timeout_ms=100)
    events.wait_for(ScannerConnected)
    frame = scanner.frame("specimen-td3")
    scanner.write_raw(frame[: len(frame) * 2 // 3])
    (rejected,) = events.wait_for(ScanRejected)
    assert rejected.reason == "timeout"  # type: ignore[attr-defined]
    scanner.scan("specimen-td3")
    events.wait_for(ZoneScanned)
    assert zones(events) == [documents["specimen-td3"]]


def test_unplug_is_reported_and_replug_at_the_same_path_reconnects(
    tmp_path: Path,
    events: Events,
    make_reader: ReaderFactory,
    make_scanner: ScannerFactory,
    documents: Documents,
) -> None:
    link = tmp_path / "scanner"
    first = make_scanner("crlf", link)
    reader = make_reader(str(link))
    events.wait_for(ScannerConnected)
    first.scan("specimen-td3")
    events.wait_for(ZoneScanned)

    first.unplug()
    (gone,) = events.wait_for(ScannerDisconnected)
    assert isinstance(gone.error, ScannerUnpluggedError)  # type: ignore[attr-defined]
    assert gone.port == str(link)  # type: ignore[attr-defined]
    time.sleep(0.3)  # several reconnect attempts while the scanner is away
    assert reader.running and not reader.connected
    assert len(events.of(ScannerDisconnected)) == 1

    second = make_scanner("crlf", link)  # plugged in again: the link points to a new pty
    events.wait_for(ScannerConnected, 2)
    second.scan("swedish-passport")
    events.wait_for(ZoneScanned, 2)
    assert zones(events)[-1] == documents["swedish-passport"]


def test_scanner_absent_at_start_is_reported_then_found(
    tmp_path: Path,
    events: Events,
    make_reader: ReaderFactory,
    make_scanner: ScannerFactory,
    documents: Documents,
) -> None:
    link = tmp_path / "scanner"
    make_reader(str(link))
    (absent,) = events.wait_for(ScannerDisconnected)
    assert isinstance(absent.error, ScannerOpenError)  # type: ignore[attr-defined]
    scanner = make_scanner("crlf", link)
    events.wait_for(ScannerConnected)
    scanner.scan("specimen-td3")
    events.wait_for(ZoneScanned)
    assert zones(events) == [documents["specimen-td3"]]


def test_wrong_framing_configured_delivers_nothing(
    events: Events, make_reader: ReaderFactory, make_scanner: ScannerFactory
) -> None:
    scanner = make_scanner("stx-etx")
    make_reader(scanner.path, "crlf")
    events.wait_for(ScannerConnected)
    # STX/ETX are noise to a line framer and the last line has no line end.
    scanner.scan("specimen-td3")
    time.sleep(0.3)
    assert zones(events) == []


def test_stop_ends_the_thread_promptly(
    events: Events, make_reader: ReaderFactory, make_scanner: ScannerFactory
) -> None:
    scanner = make_scanner("crlf")
    reader = make_reader(scanner.path)
    events.wait_for(ScannerConnected)
    started = time.monotonic()
    reader.stop()
    assert time.monotonic() - started < 1.0
    assert not reader.running
    assert not events.of(ScannerDisconnected)  # a clean stop is not an unplug


def test_virtual_scanner_command_writes_a_scan_per_enter(
    events: Events, make_reader: ReaderFactory, documents: Documents, today: date
) -> None:
    """The command dates its documents from the day it is given: the suite's day, which
    may differ from the real one when a run crosses the office's midnight."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "virtual-scanner", "--framing", "stx-etx-bcc",
         "--document", "swedish-id-card", "--documents-date", today.isoformat()],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        assert process.stdout is not None and process.stdin is not None
        path = process.stdout.readline().strip()
        assert path.startswith("/dev/pts/")
        make_reader(path, "stx-etx-bcc")
        events.wait_for(ScannerConnected)
        process.stdin.write("\n")
        process.stdin.flush()
        process.stdin.write("specimen-td2\n")
        process.stdin.flush()
        events.wait_for(ZoneScanned, 2)
        assert zones(events) == [documents["swedish-id-card"], documents["specimen-td2"]]
        process.stdin.close()
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_kiosk_scanner_config_drives_the_reader(
    events: Events, make_scanner: ScannerFactory, documents: Documents
) -> None:
    scanner = make_scanner("soh-length")
    config = ScannerConfig(
        port=scanner.path, framing="soh-length", baud=19200, parity="E", stop_bits=2,
        frame_timeout_ms=200,
    )  # fmt: skip
    validate(KioskConfig(scanner=config))
    with SerialScannerReader(config, events) as reader:
        events.wait_for(ScannerConnected)
        assert reader.settings.baud == 19200
        scanner.scan("expired-swedish-passport")
        events.wait_for(ZoneScanned)
    assert zones(events) == [documents["expired-swedish-passport"]]

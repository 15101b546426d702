"""Identity-document figures: MRZ parse-and-check rate, scan-to-event latency over a pty.

``mrz.parse_rate``: full ``kiosk.documents.mrz.parse`` (every check digit, dates, codes,
names, Swedish personnummer) over a mix of TD1/TD2/TD3 zones; baseline: a raw loop that
only computes the same check digits of the same zones. Budget ≥ 50,000 zones/s.

``scanner.latency_ms``: a virtual scanner writes a framed zone to a pty master; the real
``SerialScannerReader`` (pyserial on the slave, framer, callback) delivers the event.
Median time from just before ``os.write`` to the callback; baseline: raw ``os.write`` /
``os.read`` of the same frame over a pty. Budget ≤ 5 ms median.
"""

from __future__ import annotations

import os
import threading
import time
import tty
from datetime import date

from bench.harness import Figure, median, percentile

ZONES = 100_000
SCANS = 300
TODAY = date(2026, 11, 28)


def _zones(n: int) -> list[tuple[str, ...]]:
    from kiosk.documents import mrz_compose

    base = [
        ("TD3", "P", "SWE", "Öberg", "Åsa Linnéa", "8503122387"),
        ("TD1", "I", "SWE", "Lindqvist", "Jöns", "9207045486"),
        ("TD2", "I", "NOR", "Haugen", "Kari", ""),
        ("TD3", "P", "UTO", "Eriksson", "Anna Maria", "ZE184226B"),
    ]
    zones = []
    for i in range(min(n, 4000)):
        fmt, code, state, surname, given, optional = base[i % len(base)]
        birth = date(1985, 3, 12) if state == "SWE" and fmt == "TD3" else date(1992, 7, 4)
        if state != "SWE":
            birth = date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
        fields = mrz_compose.ZoneFields(
            code, state, f"X{i:07d}", state, surname, given, birth,
            date(2027 + i % 8, 1 + i % 12, 1 + i % 28), "MF"[i % 2], optional,
        )  # fmt: skip
        zones.append(mrz_compose.compose(fmt, fields))
    return (zones * (n // len(zones) + 1))[:n]


_RAW_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {"<": 0}


def _raw_check_digits(zone: tuple[str, ...]) -> bool:
    """Only the check digits of a zone, as directly as Python allows."""
    values = _RAW_VALUES

    def digit(text: str) -> int:
        total = 0
        for i, c in enumerate(text):
            total += values[c] * (7, 3, 1)[i % 3]
        return total % 10

    if len(zone) == 3:
        l1, l2 = zone[0], zone[1]
        fields = [(l1[5:14], l1[14]), (l2[0:6], l2[6]), (l2[8:14], l2[14])]
        fields.append((l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29]))
    else:
        l2 = zone[1]
        end = len(l2) - 1
        fields = [(l2[0:9], l2[9]), (l2[13:19], l2[19]), (l2[21:27], l2[27])]
        if end == 43:
            fields.append((l2[28:42], l2[42]))
        fields.append((l2[0:10] + l2[13:20] + l2[21:end], l2[end]))
    return all(c.isdigit() and digit(text) == int(c) for text, c in fields)


def parse_rate(scale: float) -> Figure:
    from kiosk.documents import mrz

    n = max(1000, int(ZONES * scale))
    zones = _zones(n)
    parse = mrz.parse
    for zone in zones[:1000]:
        parse(zone, TODAY)
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for zone in zones:
            parse(zone, TODAY)
        best = max(best, n / (time.perf_counter() - start))
    raw = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for zone in zones:
            _raw_check_digits(zone)
        raw = max(raw, n / (time.perf_counter() - start))
    return Figure(
        name="mrz.parse_rate",
        value=best,
        unit="zones/s",
        baseline=raw,
        budget=50_000.0,
        budget_kind="min_value",
        note=f"{n} zones (TD1/TD2/TD3 mix, Swedish personnummer included), best of 3; "
        "baseline: a plain loop computing only the same check digits",
    )


def _raw_pty_latency(frame: bytes, samples: int) -> list[float]:
    master, slave = os.openpty()
    tty.setraw(slave)
    times = []
    try:
        for _ in range(samples):
            start = time.perf_counter()
            os.write(master, frame)
            got = 0
            while got < len(frame):
                got += len(os.read(slave, 4096))
            times.append(time.perf_counter() - start)
    finally:
        os.close(master)
        os.close(slave)
    return times


def latency(scale: float) -> Figure:
    from clock import local_date, system_clock
    from devices.scanner.serial_port import (
        ScannerConnected,
        ScannerEvent,
        SerialScannerReader,
        SerialSettings,
        ZoneScanned,
    )
    from devices.virtual.scanner import VirtualScanner
    from kiosk.demo_documents import demo_documents

    samples = max(30, int(SCANS * scale))
    connected = threading.Event()
    arrived = threading.Event()
    stamps: list[float] = []

    def on_event(event: ScannerEvent) -> None:
        if isinstance(event, ScannerConnected):
            connected.set()
        elif isinstance(event, ZoneScanned):
            stamps.append(time.perf_counter())
            arrived.set()

    documents = demo_documents(local_date(system_clock()))
    scanner = VirtualScanner.open("crlf", documents=documents)
    reader = SerialScannerReader(SerialSettings(scanner.path, framing="crlf"), on_event)
    reader.start()
    times: list[float] = []
    try:
        if not connected.wait(5):
            raise RuntimeError("the scanner reader did not connect")
        frame = scanner.frame("swedish-passport")
        for _ in range(samples):
            arrived.clear()
            start = time.perf_counter()
            scanner.write_raw(frame)
            if not arrived.wait(2):
                raise RuntimeError("no scan event within 2 s")
            times.append(stamps[-1] - start)
            time.sleep(0.002)
    finally:
        reader.stop()
        scanner.close()
    raw = _raw_pty_latency(frame, samples)
    return Figure(
        name="scanner.latency_ms",
        value=median(times) * 1000,
        unit="ms",
        baseline=median(raw) * 1000,
        budget=5.0,
        budget_kind="max_value",
        note=f"{samples} TD3 scans (crlf) through pty + pyserial + framer + callback; "
        f"p95 {percentile(times, 95) * 1000:.3f} ms; baseline: raw os.write/os.read on a pty",
    )


FIGURES = {
    "mrz.parse_rate": parse_rate,
    "scanner.latency_ms": latency,
}

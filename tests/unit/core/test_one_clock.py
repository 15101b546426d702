"""Product code reads the wall clock only through ``clock`` (the one clock module).

Every other module takes a ``Clock`` from the composition root; a direct read of the
wall clock (``datetime.now``, ``datetime.utcnow``, ``date.today``, ``time.time``, ...) is
a test that only passes on the day it was written. Monotonic timers are fine.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCT_PACKAGES = ("kiosk", "screens", "devices", "store", "clock")
THE_CLOCK = "clock/__init__.py"

_DATETIME_READS = {"now", "utcnow", "today", "fromtimestamp", "utcfromtimestamp"}
_TIME_READS = {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime"}


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def wall_clock_reads(source: str) -> list[tuple[int, str]]:
    """(line, expression) of every wall-clock read in ``source``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            name = _dotted(node)
            if name is None:
                continue
            *base, attr = name.split(".")
            owner = base[-1] if base else ""
            if (attr in _DATETIME_READS and owner in {"datetime", "date"}) or (
                attr in _TIME_READS and owner == "time"
            ):
                found.append((node.lineno, name))
        elif isinstance(node, ast.ImportFrom) and node.module in {"time", "datetime"}:
            for alias in node.names:
                if node.module == "time" and alias.name in _TIME_READS:
                    found.append((node.lineno, f"from time import {alias.name}"))
    return found


def test_the_detector_sees_every_kind_of_read() -> None:
    source = "\n".join(
        [
            "import datetime as dt, time",
            "from datetime import date, datetime",
            "from time import time as wall",
            "a = dt.datetime.now(dt.UTC)",
            "b = datetime.utcnow()",
            "c = date.today()",
            "d = time.time()",
            "e = time.monotonic()",
            "f = time.perf_counter()",
            "g = dt.date.fromisoformat('2026-01-01')",
        ]
    )
    lines = [line for line, _ in wall_clock_reads(source)]
    assert lines == sorted(lines)
    assert set(lines) == {3, 4, 5, 6, 7}


def test_product_code_reads_the_wall_clock_only_through_the_clock_module() -> None:
    offenders = []
    for package in PRODUCT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative == THE_CLOCK or "migrations/versions" in relative:
                continue
            for line, name in wall_clock_reads(path.read_text(encoding="utf-8")):
                offenders.append(f"{relative}:{line}: {name}")
    assert offenders == []


def test_the_clock_module_is_where_the_reads_are() -> None:
    reads = wall_clock_reads((ROOT / THE_CLOCK).read_text(encoding="utf-8"))
    assert [name for _, name in reads] == ["dt.datetime.now"]

"""The common shape of a benchmark figure and the timing helpers."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Figure:
    """One measured figure, its raw baseline from the same run, and its budget.

    ``budget_kind`` says how ``ok`` is decided: ``max_value`` (value ≤ budget),
    ``min_value`` (value ≥ budget) or ``max_ratio`` (value / baseline ≤ budget).
    """

    name: str
    value: float
    unit: str
    baseline: float | None
    budget: float | None
    budget_kind: str = "max_value"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return round(self.value / self.baseline, 3)

    @property
    def ok(self) -> bool | None:
        if self.budget is None:
            return None
        if self.budget_kind == "max_value":
            return self.value <= self.budget
        if self.budget_kind == "min_value":
            return self.value >= self.budget
        ratio = self.ratio
        return ratio is not None and ratio <= self.budget

    def to_json(self) -> str:
        data = asdict(self)
        data["value"] = round(self.value, 6)
        data["ratio"] = self.ratio
        data["ok"] = self.ok
        return json.dumps(data, ensure_ascii=False)


def time_many(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall time of each of ``repeat`` calls, in seconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


@contextlib.contextmanager
def serving(argv: Sequence[str], port: int, url: str) -> Iterator[str]:
    """Run a server process (``argv``, from the repository root, output discarded) until
    ``port`` answers; yields ``url``; SIGTERM at the end (killed after 10 s)."""
    proc = subprocess.Popen(
        list(argv), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), 0.2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{argv[2:4]} did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()

"""``kiosk central --workers 2``: two real server processes share the port, both answer,
and SIGTERM to the parent stops them all."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.support.sync_world import CentralProcess


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def test_two_worker_processes_serve_and_stop_together(tmp_path: Path) -> None:
    central = CentralProcess(
        f"sqlite:///{tmp_path / 'central.sqlite3'}",
        tmp_path / "central.log",
        tmp_path / "central.key",
        extra_args=["--workers", "2"],
    ).start()  # waits for the port (the parent's socket: workers may still be forking)
    assert central.proc is not None
    parent = central.proc
    try:
        deadline = time.monotonic() + 30
        while len(workers := _children(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) == 2
        for _ in range(10):  # fresh connections: whichever worker accepts, it answers
            answer = httpx.get(f"{central.url}/v1/health", timeout=5)
            assert answer.status_code == 200 and answer.json() == {"ok": True}
    finally:
        central.stop()  # SIGTERM to the parent only
    assert parent.returncode == 0
    for worker in workers:
        assert not Path(f"/proc/{worker}").exists() or _zombie(worker)


def _zombie(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return True

"""The central's request handlers run in worker threads, at most ``work_threads`` of them
at once per process (``central.app``): more pushes wait their turn on the event loop,
and ``/v1/health`` still answers while every slot is busy."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from central.app import build_app
from central.limits import WORK_THREADS
from kiosk.cli import main


class _SlowService:
    """Stands in for ``CentralService``: each push holds its slot for ``seconds`` (or
    until ``release`` is set) and counts how many run at the same time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.release = threading.Event()
        self.running = 0
        self.most = 0
        self.done = 0
        self._lock = threading.Lock()

    def push(self, kiosk_id: str, _events: Any) -> Any:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.release.wait(self.seconds)
        with self._lock:
            self.running -= 1
            self.done += 1
        return _Answer(kiosk_id)

    def pull_json(self, kiosk_id: str, cursor: int, _limit: int) -> str:
        self.push(kiosk_id, [])
        return f'{{"kiosk_id": "{kiosk_id}", "cursor": {cursor}, "changes": []}}'


class _Answer:
    def __init__(self, kiosk_id: str) -> None:
        self.kiosk_id = kiosk_id

    def to_dict(self) -> dict[str, Any]:
        return {"kiosk_id": self.kiosk_id, "head_seq": 0, "results": []}


def _client(service: _SlowService, work_threads: int) -> httpx.AsyncClient:
    app = build_app(service, work_threads=work_threads)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://central")


async def test_no_more_than_work_threads_requests_run_at_once() -> None:
    service = _SlowService(seconds=0.05)
    async with _client(service, work_threads=2) as client:
        pushes = [
            client.post("/v1/push", json={"kiosk_id": f"k{n}", "events": []}) for n in range(6)
        ]
        pulls = [client.get("/v1/pull", params={"kiosk_id": "k9", "cursor": 0}) for _ in range(2)]
        answers = await asyncio.gather(*pushes, *pulls)
    assert [a.status_code for a in answers] == [200] * 8
    assert service.done == 8
    assert service.most == 2


async def test_health_answers_while_every_work_thread_is_busy() -> None:
    service = _SlowService(seconds=10.0)
    async with _client(service, work_threads=2) as client:
        pushes = [
            asyncio.ensure_future(client.post("/v1/push", json={"kiosk_id": f"k{n}", "events": []}))
            for n in range(3)
        ]
        deadline = time.monotonic() + 5
        while service.running < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        health = await client.get("/v1/health")
        running_then = service.running
        service.release.set()
        answers = await asyncio.gather(*pushes)
    assert health.status_code == 200
    assert running_then == 2  # the third push waited for a slot
    assert [a.status_code for a in answers] == [200] * 3


def _central_args(tmp_path: Path, *extra: str) -> list[str]:
    return [
        *("central", "--db", f"sqlite:///{tmp_path / 'central.sqlite3'}"),
        *("--field-key", str(tmp_path / "central.key"), "--insecure-no-client-auth"),
        *("--listen", "127.0.0.1:1", *extra),
    ]


def test_kiosk_central_refuses_fewer_than_one_work_thread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_central_args(tmp_path, "--work-threads", "0")) == 1
    assert "--work-threads" in capsys.readouterr().err
    assert not (tmp_path / "central.sqlite3").exists(), "refused before anything is set up"


def test_kiosk_central_passes_its_work_threads_to_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import central.server

    given: list[int] = []
    real_build_app = central.server.build_app

    def recording_build_app(*args: Any, **kwargs: Any) -> Any:
        given.append(kwargs["work_threads"])
        return real_build_app(*args, **kwargs)

    monkeypatch.setattr(central.server, "build_app", recording_build_app)
    monkeypatch.setattr(central.server, "serve", lambda *_args, **_kwargs: None)
    assert main(_central_args(tmp_path, "--work-threads", "7")) == 0
    assert main(_central_args(tmp_path)) == 0
    assert given == [7, WORK_THREADS]

"""The counter app's figures: start-up time against a minimal Textual app, and screen-to-
screen time in the pilot.

* ``app.startup_ratio``: each app is started the same way (``python -c``, headless) in a
  fresh process; the time from spawning the process to the first screen being painted
  (the child prints a line) is measured, interleaved, median of several runs. The kiosk
  starts with its real container (demo mode, SQLite in a temporary directory): the store
  opens in a worker after the first screen. Budget: ≤ 1.5× the minimal app.
* ``app.screen_switch_ms``: in the pilot, logged in on the demo, a key press until the
  next screen is mounted and painted (home → lookup → home → visit → home ...), devices
  excluded. Budget: median ≤ 50 ms.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Figure

MINIMAL = """
import sys
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("ready")
    def on_mount(self):
        self.call_after_refresh(self._ready)
    def _ready(self):
        print("READY", flush=True)
        self.exit()

Minimal().run(headless=True)
"""

KIOSK = """
import sys
from pathlib import Path
from kiosk.commands.demo import demo_config, launch

def ready(app):
    print("READY", flush=True)
    app.exit()

launch(demo_config(Path(sys.argv[1]), "sv"), demo=True, headless=True, ready_hook=ready)
"""


def _time_to_ready(script: str, *args: str) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TEXTUAL": ""},
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - start
            break
    else:
        process.wait()
        raise RuntimeError("the app did not report its first screen")
    process.kill()
    process.wait()
    return elapsed


def startup_ratio(scale: float) -> list[Figure]:
    runs = max(3, round(7 * scale))
    kiosk_times: list[float] = []
    minimal_times: list[float] = []
    with tempfile.TemporaryDirectory() as data:
        _time_to_ready(KIOSK, data)  # warm the file cache, seed the demo store once
        _time_to_ready(MINIMAL)
        for _ in range(runs):
            minimal_times.append(_time_to_ready(MINIMAL))
            kiosk_times.append(_time_to_ready(KIOSK, data))
    kiosk, minimal = statistics.median(kiosk_times), statistics.median(minimal_times)
    return [
        Figure(
            name="app.startup_ratio",
            value=kiosk,
            unit="s",
            baseline=minimal,
            budget=1.5,
            budget_kind="max_ratio",
            note=f"median of {runs} headless starts to first screen; baseline: minimal app",
        )
    ]


async def _switch(app: Any, key: str, target: type[Any]) -> float:
    """Key event in, until the target screen is the active one, mounted and laid out."""
    start = time.perf_counter()
    app.simulate_key(key)
    while not (isinstance(app.screen, target) and app.screen.is_mounted):
        await asyncio.sleep(0)
    painted = asyncio.Event()
    app.screen.call_after_refresh(painted.set)
    await painted.wait()
    return (time.perf_counter() - start) * 1000


async def _switches(rounds: int) -> list[float]:
    from clock import system_clock
    from kiosk.config import KioskConfig, validate
    from kiosk.container import build_services
    from kiosk.main import build_app
    from kiosk.services.ports import ReaderRole
    from screens.home import HomeScreen
    from screens.lookup import LookupScreen
    from screens.visit import VisitScreen

    samples: list[float] = []
    with tempfile.TemporaryDirectory() as data:
        config = validate(KioskConfig().with_data_dir(Path(data)))
        services = build_services(config, clock=system_clock)
        app = build_app(config, demo=True, services=services, status_interval=3600)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert services.demo is not None
            services.demo.insert(ReaderRole.OPERATOR, "clerk")
            await pilot.pause()
            await pilot.press(*"123456", "enter")
            for _ in range(100):
                await app.workers.wait_for_complete()
                await pilot.pause()
                if isinstance(app.screen, HomeScreen):
                    break
            assert isinstance(app.screen, HomeScreen), "demo login failed"
            plan = [
                ("f3", LookupScreen),
                ("escape", HomeScreen),
                ("f2", VisitScreen),
                ("f10", HomeScreen),
            ]
            for _ in range(rounds):
                for key, target in plan:
                    samples.append(await _switch(app, key, target))
    return samples


def screen_switch_ms(scale: float) -> list[Figure]:
    rounds = max(3, round(15 * scale))
    samples = asyncio.run(_switches(rounds))
    return [
        Figure(
            name="app.screen_switch_ms",
            value=statistics.median(samples),
            unit="ms",
            baseline=None,
            budget=50.0,
            note=f"median of {len(samples)} key presses to the next screen painted (pilot); "
            f"p90 {sorted(samples)[int(0.9 * (len(samples) - 1))]:.1f} ms",
        )
    ]


FIGURES = {"app.startup_ratio": startup_ratio, "app.screen_switch_ms": screen_switch_ms}

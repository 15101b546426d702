from __future__ import annotations

import contextlib
import io
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from textual import events
from textual.notifications import SeverityLevel
from textual.widgets import Input, Static
from textual.worker import WorkerCancelled

from clock import Clock
from kiosk.config import KioskConfig, validate
from kiosk.container import build_services
from kiosk.i18n import Catalogue
from kiosk.services.context import ServiceHolder, UiContext
from screens.app import LOCKED, WORK, KioskApp


async def settle(pilot: Any, rounds: int = 4) -> None:
    """Let workers finish and their results reach the screen: up to ``rounds`` rounds of
    waiting for every worker, then a pause. Once two rounds in a row found no worker,
    before or after their pause, what the last results set off has started and ended:
    the rest would only wait. A worker cancelled on the way (superseded in an exclusive
    group, e.g. the status refresh) is simply done; a worker that failed still fails the
    test."""
    app = pilot.app
    quiet = 0
    for _ in range(rounds):
        workers = list(app.workers)
        for worker in workers:
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        await pilot.pause()
        quiet = quiet + 1 if not workers and not list(app.workers) else 0
        if quiet == 2:
            return


def plain(content: Any) -> str:
    """The plain text of a Static's content (str, Text or any Rich renderable)."""
    if isinstance(content, str):
        return content
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def text_of(app: Any, selector: str) -> str:
    return plain(app.screen.query_one(selector, Static).content)


def all_text(app: Any) -> str:
    """Everything every Static on every screen of every mode shows."""
    parts = []
    for mode in (app.DEFAULT_MODE, LOCKED, WORK):
        try:
            stack = app.get_screen_stack(mode)
        except KeyError:  # the work mode exists only while someone is logged in
            continue
        for screen in stack:
            parts.extend(plain(w.content) for w in screen.query(Static))
    return "\n".join(parts)


class RecordingApp(KioskApp):
    """The kiosk app, keeping the text of every notification it raised (``notices``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notices: list[str] = []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.notices.append(str(message))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


async def type_text(pilot: Any, text: str) -> None:
    """Type ``text`` into the focused field. Each ASCII letter or digit is a key event
    posted to the app as the keyboard driver posts it, without the pilot's wait for
    the screen after every key (tens of milliseconds each); any other character goes
    through ``pilot.press``. Then one pause. Not for keys that move the focus (Enter,
    Tab): press those with ``pilot.press`` after it."""
    app = pilot.app
    for char in text:
        if char.isascii() and char.isalnum():
            key = events.Key(char, char)
            key.set_sender(app)
            app.post_message(key)
        else:
            await pilot.pause()
            await pilot.press(char)
    await pilot.pause()


async def log_in(pilot: Any, world: Any, card: str = "clerk", pin: str = "123456") -> None:
    world.insert("operator", card)
    await settle(pilot)
    await type_text(pilot, pin)
    await pilot.press("enter")
    await settle(pilot)


def demo_app(data_dir: Path, clock: Clock, catalogue: Catalogue) -> KioskApp:
    """The app as ``kiosk demo`` builds it (embedded defaults, demo data) in ``data_dir``."""
    config = validate(KioskConfig().with_data_dir(data_dir))
    ctx = UiContext(
        catalogue=catalogue,
        services=ServiceHolder(),
        office_id=config.office_id,
        clock=clock,
        demo_mode=True,
    )
    return KioskApp(ctx, build_services=lambda: build_services(config, clock=clock))


async def wait_ready(pilot: Any, app: KioskApp) -> None:
    """Until the services the app builds in a worker are ready (at most 100 rounds)."""
    for _ in range(100):
        await settle(pilot, 1)
        if app.ctx.services.ready:
            break
    await settle(pilot)
    assert app.ctx.services.ready


def steady_cursors(
    run_before: Callable[[Any], Awaitable[None]] | None,
) -> Callable[[Any], Awaitable[None]]:
    """A snapshot scenario whose input fields draw their cursor steadily at the end: a
    blinking one (every 0.5 s) is caught on or off, depending on the machine's load."""

    async def scenario(pilot: Any) -> None:
        if run_before is not None:
            await run_before(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return scenario

"""Pilot tests of the workflow screens: a small host app that shows one screen and records
what it dismissed with, and readers of what the screen shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App


class Host(App[None]):
    def __init__(self, make: Callable[[], Any]) -> None:
        super().__init__()
        self.make = make
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)


async def settle(pilot: Any, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def message(app: Any) -> str:
    from textual.widgets import Static

    from tests.ui.helpers import plain

    return plain(app.screen.query_one("#wf-message", Static).content)


def screen_text(app: Any) -> str:
    from textual.widgets import Input, Static

    from tests.ui.helpers import plain

    parts = [plain(w.content) for w in app.screen.query(Static)]
    parts += [w.value for w in app.screen.query(Input)]
    return "\n".join(parts)

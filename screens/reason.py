"""The clerk's reason to continue after a soft identity mismatch or an unlike photo."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from screens.base import KeySpec, KioskModal
from screens.key_bar import KeyBar


class ReasonScreen(KioskModal):
    """Dismisses with the reason typed, or None when the clerk ends the check (Escape)."""

    CSS_PATH = Path(__file__).with_name("reason.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (("escape", "end_check", "ui.key.end_check"),)

    def compose(self) -> ComposeResult:
        with Vertical(id="reason-box"):
            yield Static(self.t("ui.reason.title"))
            yield Input(id="reason", placeholder=self.t("ui.reason.placeholder"), max_length=200)
            yield Static("", id="reason-message")
        yield KeyBar(self.ctx.catalogue)

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if not reason:
            self.query_one("#reason-message", Static).update(self.t("ui.reason.empty"))
            return
        self.dismiss(reason)

    def action_end_check(self) -> None:
        self.dismiss(None)

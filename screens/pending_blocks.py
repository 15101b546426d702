"""Blocks waiting for the central's acknowledgement (R9), opened from the status bar's
count (Shift+F12) or the palette: each block's card, when it was made and how long it
has waited, and why it waits; F12 sends them now."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from kiosk.services.context import UiContext
from kiosk.services.workflows.pending_blocks import PendingBlockLine, PendingBlocksView
from screens.base import KeySpec, KioskModal
from screens.key_bar import KeyBar
from screens.lookup import label


class PendingBlocksScreen(KioskModal):
    """The list, read in a worker; Escape closes, F12 syncs now and reads it again."""

    CSS_PATH = Path(__file__).with_name("pending_blocks.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("escape", "close", "workflows.key.close"),
        ("f12", "send_now", "ui.key.sync_now"),
    )

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.view: PendingBlocksView | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.t("ui.pending.title_loading"), id="pending-title", classes="title")
            yield Static("", id="pending-state", classes="line")
            yield Static("", id="pending-lines", classes="line")
        yield KeyBar(self.ctx.catalogue)

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        services = self.ctx.services.get()
        source = services.pending_blocks
        if source is None:
            self.show(PendingBlocksView((), "offline"))
            return
        self.run_io(source.view, self.show, self._failed, group="pending")

    def show(self, view: PendingBlocksView) -> None:
        self.view = view
        count = len(view.lines)
        self.query_one("#pending-title", Static).update(self.t("ui.pending.title", count=count))
        state = self.t(f"ui.pending.state.{view.state}", since=view.since or "")
        if not view.lines:
            state = self.t("ui.pending.none")
        self.query_one("#pending-state", Static).update(state)
        text = "\n".join(self.line_text(line) for line in view.lines)
        self.query_one("#pending-lines", Static).update(text)

    def line_text(self, line: PendingBlockLine) -> str:
        return self.t(
            "ui.pending.line",
            when=f"{line.occurred_at:%Y-%m-%d %H:%M}",
            action=label(self.ctx.catalogue, "ui.event", line.event_type),
            serial=line.serial or "-",
            age=line.age,
        )

    def _failed(self, exc: BaseException) -> None:
        self.query_one("#pending-state", Static).update(self.error_text(exc))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_send_now(self) -> None:
        sync_now = self.ctx.services.get().sync_now
        if sync_now is None:
            self.app.notify(self.t("ui.sync.no_central"), severity="warning")
            return
        sync_now()  # only wakes the worker thread
        self.app.notify(self.t("ui.sync.started"))
        self.set_timer(2.0, self.load)

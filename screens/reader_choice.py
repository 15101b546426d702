"""Which reader holds the operator's own card? Asked at login when both readers hold the
cards of operators on the roster: 1 or 2 picks the reader, Escape goes back to the lock
screen without logging in."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from kiosk.services.context import UiContext
from screens.base import KeySpec, KioskModal
from screens.key_bar import KeyBar


class ReaderChoiceScreen(KioskModal):
    """Dismisses with the chosen reader's name, or None (Escape)."""

    CSS_PATH = Path(__file__).with_name("reader_choice.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("1", "choose(0)", "ui.reader_choice.key.first"),
        ("2", "choose(1)", "ui.reader_choice.key.second"),
        ("escape", "cancel", "ui.reader_choice.key.cancel"),
    )

    def __init__(self, ctx: UiContext, readers: tuple[str, ...]) -> None:
        super().__init__(ctx)
        self.readers = readers[:2]  # the counter has two readers

    def compose(self) -> ComposeResult:
        with Vertical(id="reader-choice-box"):
            yield Static(self.t("ui.reader_choice.title"), id="reader-choice-title")
            yield Static(self.t("ui.reader_choice.question"), id="reader-choice-question")
            for number, reader in enumerate(self.readers, start=1):
                yield Static(f"{number}  {reader}", classes="reader-choice-reader")
        yield KeyBar(self.ctx.catalogue)

    def action_choose(self, index: int) -> None:
        if index < len(self.readers):
            self.dismiss(self.readers[index])

    def action_cancel(self) -> None:
        self.dismiss(None)

"""Ending the kiosk program asks first: Ctrl+Q (or the palette's quit) opens this dialog,
Enter ends the program (exit code 0), Escape stays."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from screens.base import KeySpec, KioskModal
from screens.key_bar import KeyBar

if TYPE_CHECKING:
    from screens.app import KioskApp


class QuitConfirmScreen(KioskModal):
    """Dismisses with True (end the program) or False (stay)."""

    CSS_PATH = Path(__file__).with_name("quit_confirm.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("enter", "answer(True)", "ui.key.quit_yes"),
        ("escape", "answer(False)", "ui.key.quit_no"),
    )

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-box"):
            yield Static(self.t("ui.quit.title"), id="quit-title")
            yield Static(self.t("ui.quit.question"), id="quit-question")
        yield KeyBar(self.ctx.catalogue)

    def action_answer(self, end: bool) -> None:
        self.dismiss(end)


async def ask_to_quit(app: KioskApp) -> None:
    """The confirmation over whatever shows (the lock screen included); Enter ends the
    program with exit code 0."""
    if isinstance(app.screen, QuitConfirmScreen):
        return

    def answered(end: bool | None) -> None:
        if end:
            app.exit(0)

    await app.push_screen(QuitConfirmScreen(app.ctx), answered)


def show_quit_hint(app: KioskApp) -> None:
    """Ctrl+C does not quit: a toast saying how, in the interface's language."""
    app.notify(app.ctx.catalogue("ui.quit.hint"), title=app.ctx.catalogue("ui.quit.title"))

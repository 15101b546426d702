"""Events the central rejected, with the reason in the catalogue's words, so the clerk
can act (e.g. a card activated offline that was blocked centrally meanwhile)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kiosk.i18n import Catalogue
from screens.base import KeyedBindings, KeySpec
from screens.key_bar import KeyBar


def event_text(t: Catalogue, event_type: str) -> str:
    key = f"receipt.action.{event_type}"
    return t(key) if t.has(key) else event_type


def reason_text(t: Catalogue, line: Any) -> str:
    """The central's reason in words (``RejectedLine.reason_key``), else as it came."""
    key = str(line.reason_key)
    if t.has(key) and not key.endswith(".other"):
        return t(key, reason=line.reason)
    return t("ui.rejected.reason.other", reason=line.reason)


def line_text(t: Catalogue, line: Any) -> str:
    when = (line.occurred_at or "")[:16].replace("T", " ")
    return t(
        "ui.rejected.line",
        when=when or "-",
        action=event_text(t, line.event_type),
        serial=line.serial or "-",
        reason=reason_text(t, line),
        event_id=line.event_id,
    )


def notify_rejected(app: App[Any], t: Catalogue, new: Sequence[Any]) -> None:
    """Newly rejected events: one notification each, the fourth and later as a count."""
    for line in new[:3]:
        app.notify(line_text(t, line), title=t("ui.rejected.notify_title"), severity="error")
    if len(new) > 3:
        app.notify(t("ui.rejected.notify_more", count=len(new) - 3), severity="error")


class RejectedEventsScreen(KeyedBindings, ModalScreen[None]):
    """The list; Escape closes."""

    CSS_PATH = Path(__file__).with_name("rejected.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (("escape", "close", "workflows.key.close"),)

    def __init__(self, catalogue: Catalogue, lines: Sequence[Any]) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.lines = tuple(lines)

    def compose(self) -> ComposeResult:
        t = self.catalogue
        with VerticalScroll():
            yield Static(t("ui.rejected.title", count=len(self.lines)), classes="title")
            yield Static(t("ui.rejected.info"), classes="line")
            if not self.lines:
                yield Static(t("ui.rejected.none"), id="rejected-none", classes="line")
            for index, line in enumerate(self.lines):
                yield Static(line_text(t, line), id=f"rejected-{index}", classes="line")
        yield KeyBar(self.catalogue)

    def action_close(self) -> None:
        self.dismiss(None)

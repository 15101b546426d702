"""The demo's hands at the counter: put demo cards in either reader, scan demo documents.

The highlighted demo card's code letter (5xx/6xx/no product number, R7) is shown here in
place of the paper letter, so a code-letter unlock can be finished in the demo; only in
demo mode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kiosk.services.context import UiContext
from kiosk.services.ports import DemoControls, ReaderRole
from screens.base import KeySpec, KioskModal
from screens.key_bar import KeyBar


class DevicePanel(KioskModal):
    CSS_PATH = Path(__file__).with_name("device_panel.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("o", "insert('operator')", "ui.key.insert_operator"),
        ("c", "insert('customer')", "ui.key.insert_customer"),
        ("u", "remove('operator')", "ui.key.remove_operator"),
        ("x", "remove('customer')", "ui.key.remove_customer"),
        ("s", "scan", "ui.key.scan"),
        ("escape", "close", "ui.key.close"),
        ("f9", "close", "ui.key.devices"),  # F9 opens and closes the demo panel
    )

    def __init__(self, ctx: UiContext, demo: DemoControls) -> None:
        super().__init__(ctx)
        self.demo = demo

    def compose(self) -> ComposeResult:
        with Vertical(id="panel-box"):
            yield Static(self.t("ui.panel.title"))
            with Horizontal():
                yield OptionList(
                    *[Option(item.label, id=item.item_id) for item in self.demo.cards()],
                    id="panel-cards",
                )
                yield OptionList(
                    *[Option(item.label, id=item.item_id) for item in self.demo.documents()],
                    id="panel-documents",
                )
            yield Static("", id="panel-code-letter")
            yield Static(self.t("ui.panel.help"), id="panel-message")
        yield KeyBar(self.ctx.catalogue)

    def on_mount(self) -> None:
        self.query_one("#panel-cards", OptionList).border_title = self.t("ui.panel.cards")
        self.query_one("#panel-documents", OptionList).border_title = self.t("ui.panel.documents")
        self.query_one("#panel-cards", OptionList).focus()
        self._show_code_letter()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "panel-cards":
            self._show_code_letter()

    def _show_code_letter(self) -> None:
        """The highlighted card's code-letter PUK: the demo's stand-in for the paper letter."""
        text = ""
        card_id = self._selected("#panel-cards")
        item = next((c for c in self.demo.cards() if c.item_id == card_id), None)
        if self.ctx.demo_mode and item is not None and item.code_letter_puk:
            text = self.t("ui.panel.code_letter", puk=item.code_letter_puk)
        self.query_one("#panel-code-letter", Static).update(text)

    def _selected(self, list_id: str) -> str | None:
        options = self.query_one(list_id, OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def _do(self, fn: Callable[[], None], done_key: str) -> None:
        message = self.query_one("#panel-message", Static)
        self.run_io(fn, lambda _: message.update(self.t(done_key)), self._failed, group="panel")

    def _failed(self, exc: BaseException) -> None:
        self.query_one("#panel-message", Static).update(self.error_text(exc))

    def action_insert(self, role: str) -> None:
        card = self._selected("#panel-cards")
        if card is None:
            return
        reader = ReaderRole(role)
        self._do(lambda: self.demo.insert(reader, card), f"ui.panel.inserted.{role}")

    def action_remove(self, role: str) -> None:
        reader = ReaderRole(role)
        self._do(lambda: self.demo.remove(reader), f"ui.panel.removed.{role}")

    def action_scan(self) -> None:
        document = self._selected("#panel-documents")
        if document is None:
            self.query_one("#panel-documents", OptionList).focus()
            return
        self._do(lambda: self.demo.scan(document), "ui.panel.scanned")

    def action_close(self) -> None:
        self.dismiss(None)

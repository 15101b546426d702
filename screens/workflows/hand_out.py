"""The hand-out receipt (activation): the holder reads the card's terms of use on the
screen; the operator types their PIN (their card in the operator reader certifies the
receipt), the holder types theirs (the new card signs it); Ctrl+S accepts the terms and
signs. Both PIN fields are masked and cleared as soon as they are read; the PINs go to the
cards only. F8 or Escape issues the receipt unsigned, as on ``HolderSignScreen``."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.widgets import Input, Static

from kiosk.i18n import Catalogue
from kiosk.receipts.desk import ReceiptDesk
from kiosk.receipts.facts import ReceiptFacts
from screens.base import KeySpec, pin_input
from screens.workflows.receipt import HolderSignScreen


class HandOutSignScreen(HolderSignScreen):
    """Ctrl+S: accept the terms and sign (operator, then holder); Escape: unsigned (F8 is
    manual document entry everywhere, so it is not a second skip key here)."""

    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("ctrl+s", "submit", "ui.receipt.hand_out.key.accept"),
        ("escape", "skip", "ui.receipt.key.skip"),
    )

    def __init__(self, catalogue: Catalogue, desk: ReceiptDesk, facts: ReceiptFacts) -> None:
        super().__init__(catalogue, desk, facts)
        self.terms = desk.terms(catalogue.lang)

    def fields(self) -> ComposeResult:
        yield Static(self.t("ui.receipt.hand_out.title"), classes="wf-title")
        yield Static(
            self.t("ui.receipt.hand_out.info", serial=self.facts.card_serial), classes="wf-info"
        )
        yield Static(self.t("ui.receipt.hand_out.terms"), classes="wf-title")
        yield Static(self.terms, id="terms", classes="wf-info")
        yield pin_input("operator-pin", self.t("ui.receipt.hand_out.operator_pin"))
        yield pin_input("holder-pin", self.t("ui.receipt.sign.pin"))

    def on_mount(self) -> None:
        # HolderSignScreen's on_mount (Textual runs it too) focuses the holder's field:
        # the operator's comes first, after it
        self.call_after_refresh(self.query_one("#operator-pin", Input).focus)

    def submit(self) -> None:
        operator_pin, holder_pin = self.take("#operator-pin", "#holder-pin")
        if not operator_pin or not holder_pin:
            self.show(self.t("ui.receipt.hand_out.pins_missing"), refused=True)
            return
        self.attempts += 1
        desk, facts, lang = self.desk, self.facts, self.catalogue.lang
        self.show(self.t("ui.receipt.sign.working"))
        self.issuing = True
        self.run_io(
            lambda: desk.sign_hand_out(facts, operator_pin, holder_pin, lang=lang),
            self._issued,
            self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        super()._failed(exc)
        self.query_one("#operator-pin", Input).focus()

    def action_skip(self) -> None:
        if not self.busy:
            self.query_one("#operator-pin", Input).value = ""
        super().action_skip()

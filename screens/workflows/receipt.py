"""The holder signs the receipt (activation, return): card in the customer reader, PIN.

The PIN field is masked, never echoed, and cleared as soon as it is read; the PIN goes to
the card and nowhere else. A wrong PIN shows the tries left and the holder may try again;
Escape issues the receipt without the signature, and the receipt says so. The
screen dismisses with the ``ReceiptOutcome`` (where the receipt went). Taken away
undecided (the kiosk locks, the app ends), it still issues the receipt, unsigned, in a
thread of its own (``fallback``): every card-changing workflow ends with a receipt.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from textual.app import ComposeResult
from textual.widgets import Input, Static

from kiosk.i18n import Catalogue
from kiosk.receipts.desk import ReceiptDesk
from kiosk.receipts.facts import ReceiptFacts
from kiosk.receipts.service import ReceiptOutcome
from screens.base import KeySpec, pin_input
from screens.workflows.base import WorkflowScreen


class HolderSignScreen(WorkflowScreen):
    """Ctrl+S (or Enter): sign with the PIN; Escape: issue without a signature."""

    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("ctrl+s", "submit", "workflows.key.submit"),
        ("escape", "skip", "ui.receipt.key.skip"),
    )
    needs_customer_card = True

    def __init__(self, catalogue: Catalogue, desk: ReceiptDesk, facts: ReceiptFacts) -> None:
        super().__init__(catalogue)
        self.desk = desk
        self.facts = facts
        self.attempts = 0
        self.issuing = False  # a sign or skip is under way (or done)
        self.fallback: threading.Thread | None = None

    def fields(self) -> ComposeResult:
        yield Static(self.t("ui.receipt.sign.title"), classes="wf-title")
        yield Static(
            self.t("ui.receipt.sign.info", serial=self.facts.card_serial), classes="wf-info"
        )
        yield pin_input("holder-pin", self.t("ui.receipt.sign.pin"))

    def on_mount(self) -> None:
        self.query_one("#holder-pin", Input).focus()

    def submit(self) -> None:
        (pin,) = self.take("#holder-pin")
        if not pin:
            self.show(self.t("ui.receipt.sign.pin_missing"), refused=True)
            return
        self.attempts += 1
        desk, facts, lang = self.desk, self.facts, self.catalogue.lang
        self.show(self.t("ui.receipt.sign.working"))
        self.issuing = True
        self.run_io(lambda: desk.sign_and_issue(facts, pin, lang=lang), self._issued, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.issuing = False  # nothing was issued: retry or skip
        self.refuse(exc)
        self.show(
            f"{self.catalogue.error(exc)}\n{self.t('ui.receipt.sign.retry_or_skip')}",
            refused=True,
        )
        self.query_one("#holder-pin", Input).focus()

    def action_skip(self) -> None:
        if self.busy:
            return
        self.query_one("#holder-pin", Input).value = ""
        desk, facts, lang = self.desk, self.facts, self.catalogue.lang
        self.show(self.t("ui.receipt.sign.unsigned_working"))
        self.issuing = True
        self.run_io(lambda: desk.issue(facts, lang=lang), self._issued)

    def _issued(self, outcome: ReceiptOutcome) -> None:
        self.busy = False
        self.dismiss(outcome)

    def on_unmount(self) -> None:
        if self.issuing:
            return
        self.issuing = True
        desk, facts, lang = self.desk, self.facts, self.catalogue.lang
        self.fallback = threading.Thread(
            target=lambda: desk.issue(facts, lang=lang), name="receipt-unsigned"
        )
        self.fallback.start()


class ReprintScreen(WorkflowScreen):
    """A receipt again from the journal, by event id (as ``kiosk receipt reprint``)."""

    def __init__(self, catalogue: Catalogue, desk: ReceiptDesk) -> None:
        super().__init__(catalogue)
        self.desk = desk

    def fields(self) -> ComposeResult:
        yield Static(self.t("ui.receipt.reprint.title"), classes="wf-title")
        yield Input(id="event-id", placeholder=self.t("ui.receipt.reprint.event_id"))

    def on_mount(self) -> None:
        self.query_one("#event-id", Input).focus()

    def submit(self) -> None:
        event_id = self.value("#event-id")
        if not event_id:
            self.show(self.t("ui.receipt.reprint.missing"), refused=True)
            return
        desk, lang = self.desk, self.catalogue.lang
        self.run_io(lambda: desk.reprint(event_id, lang=lang), self._reprinted)

    def _reprinted(self, outcome: ReceiptOutcome) -> None:
        self.busy = False
        self.result = outcome
        failed = outcome.delivery is None or not outcome.delivery.delivered
        self.show(outcome.describe(self.catalogue), refused=failed, done=not failed)

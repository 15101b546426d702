"""The holder's own code at activation: the card's initial code, then the new code twice.

Shown by the activation screen for a card whose holder chooses the code, after every
check that needs neither the card nor a code. The new code is checked against the PIN
policy here, before anything goes to the card; the fields are cleared at once.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Static

from kiosk.domain.pin import check_holder_chosen_code
from kiosk.errors import PinPolicyError
from kiosk.i18n import Catalogue
from kiosk.services.workflows.activation import HolderCode
from screens.base import pin_input
from screens.workflows.base import WorkflowScreen

FIELDS = ("#initial-code", "#new-code", "#repeat-code")


class HolderCodeScreen(WorkflowScreen):
    """Ctrl+S (or Enter on the last field): dismisses with a ``HolderCode``; Escape: None."""

    def __init__(self, catalogue: Catalogue, serial: str) -> None:
        super().__init__(catalogue)
        self.serial = serial

    def fields(self) -> ComposeResult:
        yield Static(self.t("workflows.holder_code.title", serial=self.serial), classes="wf-title")
        yield Static(self.t("workflows.holder_code.info"), classes="wf-info")
        yield pin_input("initial-code", self.t("workflows.field.initial_code"))
        yield pin_input("new-code", self.t("workflows.field.new_pin"))
        yield pin_input("repeat-code", self.t("workflows.field.repeat_pin"))

    def on_mount(self) -> None:
        self.query_one("#initial-code", Input).focus()

    def submit(self) -> None:
        initial, new_code, repeated = self.take(*FIELDS)
        try:
            check_holder_chosen_code(initial, new_code, repeated)
        except PinPolicyError as exc:
            self.refuse(exc)
            self.query_one("#initial-code" if not initial else "#new-code", Input).focus()
            if initial:  # keep what was right: the initial code is typed again only if missing
                self.query_one("#initial-code", Input).value = initial
            return
        self.dismiss(HolderCode(initial, new_code, repeated))

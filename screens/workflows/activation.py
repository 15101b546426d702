"""Activation (R2): the card the holder brought, checked and activated."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Static

from kiosk.i18n import Catalogue
from kiosk.services.visit import Visit
from kiosk.services.workflows.activation import ActivationCheck, ActivationService, HolderCode
from kiosk.services.workflows.common import Done
from screens.workflows.base import WorkflowScreen
from screens.workflows.holder_code import HolderCodeScreen


class ActivationScreen(WorkflowScreen):
    """Enter: check the card; Ctrl+S: activate. Dismisses with ``Done`` or None."""

    def __init__(
        self,
        catalogue: Catalogue,
        service: ActivationService,
        visit: Visit,
        serial: str | None = None,
    ) -> None:
        super().__init__(catalogue)
        self.service = service
        self.visit = visit
        self.initial_serial = serial or ""

    def fields(self) -> ComposeResult:
        yield Static(self.t("workflows.activation.title"), classes="wf-title")
        yield Static(self.t("workflows.activation.info"), classes="wf-info")
        yield self.serial_input()

    def on_mount(self) -> None:
        self.query_one("#serial", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        serial = self.value("#serial")
        if serial:
            self.run_io(lambda: self.service.check(self.visit, serial), self._checked)

    def _checked(self, check: ActivationCheck) -> None:
        self.busy = False
        if check.decision.refusal is not None:
            self.refuse(check.decision.refusal)
        elif check.holder_chooses_code:
            self.show(self.t("workflows.activation.may_activate_with_code", serial=check.serial))
        else:
            self.show(self.t("workflows.activation.may_activate", serial=check.serial))

    def submit(self) -> None:
        serial = self.value("#serial")
        if not serial:
            self.show(self.t("workflows.field.serial_missing"), refused=True)
            return
        # every check that needs no card first; a holder who chooses the code types it after
        self.run_io(lambda: self.service.check(self.visit, serial), self._ready)

    def _ready(self, check: ActivationCheck) -> None:
        self.busy = False
        serial = check.serial
        if check.decision.refusal is not None:
            self.refuse(check.decision.refusal)
        elif check.holder_chooses_code:
            self.app.push_screen(
                HolderCodeScreen(self.catalogue, serial),
                lambda code: self._code_typed(serial, code),
            )
        else:
            self._activate(serial, None)

    def _code_typed(self, serial: str, code: HolderCode | None) -> None:
        if code is None:  # the holder left the code dialog: nothing went to the card
            self.show(self.t("workflows.activation.code_not_set", serial=serial), refused=True)
            return
        self.show(self.t("workflows.activation.setting_code"))
        self._activate(serial, code)

    def _activate(self, serial: str, code: HolderCode | None) -> None:
        self.run_io(lambda: self.service.activate(self.visit, serial, code), self._activated)

    def _activated(self, done: Done) -> None:
        self.finished(done, self.t("workflows.activation.done", serial=done.serial))

"""Activation (R2): the card the holder brought, checked and activated.

The check shows the order's photo beside the holder's name, for the clerk to compare the
person with it (Shift+F6 enlarges it, as at in-person unlock); without one, or with a
stored one that cannot be read, the screen says to compare with the identity document
only (and the activation records that comparison).
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from kiosk.i18n import Catalogue
from kiosk.services.visit import Visit
from kiosk.services.workflows.activation import ActivationCheck, ActivationService, HolderCode
from kiosk.services.workflows.common import Done
from screens.base import KeySpec
from screens.photo_view import PhotoView
from screens.workflows.base import WORKFLOW_CSS, WorkflowScreen
from screens.workflows.holder_code import HolderCodeScreen
from screens.workflows.photo_compare import (
    ENLARGE_KEY,
    PhotoZoomDialog,
    comparison_text,
    show_comparison,
)


class ActivationScreen(WorkflowScreen):
    """Enter: check the card; Ctrl+S: activate. Dismisses with ``Done`` or None."""

    workflow = "activation"

    CSS_PATH: ClassVar[list[str | PurePath]] = [
        WORKFLOW_CSS,
        Path(__file__).with_name("activation.tcss"),
    ]
    KEYS: ClassVar[tuple[KeySpec, ...]] = (*WorkflowScreen.KEYS, ENLARGE_KEY)

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
        self.photo_shown = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The enlarge key only while an order photo is shown."""
        if action == "enlarge_photo":
            return self.photo_shown
        return super().check_action(action, parameters)

    def fields(self) -> ComposeResult:
        yield Static(self.t("workflows.activation.title"), classes="wf-title")
        yield Static(self.t("workflows.activation.info"), classes="wf-info")
        yield self.serial_input()
        with Horizontal(id="activation-photo-row"):
            yield PhotoView(id="activation-photo")
            with Vertical(id="activation-holder"):
                yield Static(self.visit.holder.name if self.visit.holder else "", id="holder")
                yield Static("", id="photo-compare", classes="wf-info")

    def on_mount(self) -> None:
        self.query_one("#activation-photo", PhotoView).display = False
        self.query_one("#serial", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        serial = self.value("#serial")
        if serial:
            self.run_io(lambda: self.service.check(self.visit, serial), self._checked)

    def _checked(self, check: ActivationCheck) -> None:
        self.busy = False
        shown = show_comparison(self.query_one("#activation-photo", PhotoView), check.photo)
        self.query_one("#photo-compare", Static).update(
            comparison_text(self.catalogue, shown=shown, unreadable=check.photo_unreadable)
        )
        self.photo_shown = shown
        self.refresh_bindings()
        if check.decision.refusal is not None:
            self.refuse(check.decision.refusal)
        elif check.holder_chooses_code:
            self.show(self.t("workflows.activation.may_activate_with_code", serial=check.serial))
        else:
            self.show(self.t("workflows.activation.may_activate", serial=check.serial))

    def action_enlarge_photo(self) -> None:
        jpeg = self.query_one("#activation-photo", PhotoView).jpeg
        if self.photo_shown and jpeg is not None:
            self.app.push_screen(PhotoZoomDialog(self.catalogue, jpeg))

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

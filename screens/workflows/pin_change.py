"""PIN change with the current PIN (R8); the new PIN typed twice on masked fields."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Static

from kiosk.i18n import Catalogue
from kiosk.services.visit import Visit
from kiosk.services.workflows.common import Done
from kiosk.services.workflows.pin_change import PinChangeService
from screens.base import pin_input
from screens.workflows.base import WorkflowScreen


class PinChangeScreen(WorkflowScreen):
    workflow = "pin_change"
    needs_customer_card = True

    def __init__(
        self,
        catalogue: Catalogue,
        service: PinChangeService,
        visit: Visit,
        serial: str | None = None,
    ) -> None:
        super().__init__(catalogue)
        self.service = service
        self.visit = visit
        self.serial = serial or ""
        self.refused_before_typing = False

    def fields(self) -> ComposeResult:
        yield Static(
            self.t("workflows.pin_change.title", serial=self.serial),
            id="title",
            classes="wf-title",
        )
        yield Static(self.t("workflows.pin_change.info"), classes="wf-info")
        yield pin_input("current-pin", self.t("workflows.field.current_pin"))
        yield pin_input("new-pin", self.t("workflows.field.new_pin"))
        yield pin_input("repeat-pin", self.t("workflows.field.repeat_pin"))

    def on_mount(self) -> None:
        self.query_one("#current-pin", Input).focus()
        if not self.serial:  # the card in the customer reader says which card it is
            self.run_io(self.service.card_in_reader, self._card_read)
        else:
            self._check_before_typing()

    def _card_read(self, serial: str) -> None:
        self.busy = False
        self.serial = serial
        self.query_one("#title", Static).update(self.t("workflows.pin_change.title", serial=serial))
        self._check_before_typing()

    def _check_before_typing(self) -> None:
        """Who may, whose card, its state: said before anyone types a PIN."""
        serial, visit = self.serial, self.visit
        self.run_io(
            lambda: self.service.check_before_typing(visit, serial),
            self._may_type,
            self._refused_before_typing,
        )

    def _may_type(self, _: None) -> None:
        self.busy = False

    def _refused_before_typing(self, exc: BaseException) -> None:
        for field in self.query(Input):  # nothing to type: the refusal stands
            field.display = False
        self.refused_before_typing = True
        self.refuse(exc)

    def submit(self) -> None:
        if self.refused_before_typing:
            return
        if not self.serial:
            self.show(self.t("workflows.field.serial_missing"), refused=True)
            return
        current, new_pin, repeated = self.take("#current-pin", "#new-pin", "#repeat-pin")
        self.show(self.t("workflows.pin_change.working"))
        self.run_io(
            lambda: self.service.change_pin(self.visit, self.serial, current, new_pin, repeated),
            self._changed,
            self._refused,
        )

    def _changed(self, done: Done) -> None:
        self.finished(done, self.t("workflows.pin_change.done", serial=done.serial))

    def _refused(self, exc: BaseException) -> None:
        self.refuse(exc)
        self.query_one("#current-pin", Input).focus()

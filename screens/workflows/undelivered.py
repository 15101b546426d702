"""A card that has not arrived: reorder date and reorder (R3), or Rek-id tracing (R4)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Static

from kiosk.domain.types import CardState
from kiosk.errors import ReorderTooEarlyError
from kiosk.i18n import Catalogue
from kiosk.services.login import Operator
from kiosk.services.workflows.undelivered import ReorderDone, UndeliveredService, UndeliveredView
from screens.workflows.base import WorkflowScreen

REORDER_FROM_NOTICE = "notice.r3.reorder_from"


class UndeliveredScreen(WorkflowScreen):
    """Enter: look the card up; Ctrl+S: order a new card (A-post, from the reorder date)."""

    workflow = "undelivered"

    def __init__(
        self,
        catalogue: Catalogue,
        service: UndeliveredService,
        operator: Operator,
        serial: str | None = None,
    ) -> None:
        super().__init__(catalogue)
        self.service = service
        self.operator = operator
        self.initial_serial = serial or ""
        self.view: UndeliveredView | None = None

    def fields(self) -> ComposeResult:
        yield Static(self.t("workflows.undelivered.title"), classes="wf-title")
        yield self.serial_input()
        yield Static(id="shipment", classes="wf-info")

    def on_mount(self) -> None:
        self.query_one("#serial", Input).focus()
        if self.initial_serial:
            self._look_up()

    def _look_up(self) -> None:
        serial = self.value("#serial")
        if serial:
            self.run_io(lambda: self.service.view(serial), self._viewed)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._look_up()

    def _viewed(self, view: UndeliveredView) -> None:
        self.busy = False
        self.view = view
        refusal = view.reorder.refusal if view.reorder is not None else None
        notices = view.notices
        if isinstance(refusal, ReorderTooEarlyError):
            # the refusal names the reorder date: said once, not again as a notice
            notices = tuple(n for n in notices if n.key != REORDER_FROM_NOTICE)
        lines = [self.notices(notices)]
        if view.state is not CardState.ORDERED:  # an unshipped card was sent no way yet
            lines.insert(0, self.t(f"workflows.undelivered.shipment.{view.shipment.value}"))
        self.query_one("#shipment", Static).update("\n".join(lines))
        if view.reorder is not None and view.reorder.allowed:
            self.show(self.t("workflows.undelivered.may_reorder"))
        elif isinstance(refusal, ReorderTooEarlyError):
            self.show(self.t(refusal.key, **refusal.params), refused=True)
        elif refusal is not None:
            self.refuse(refusal)
        else:
            self.show("")

    def submit(self) -> None:
        serial = self.value("#serial")
        if not serial:
            self.show(self.t("workflows.field.serial_missing"), refused=True)
            return
        self.run_io(lambda: self.service.reorder(self.operator, serial), self._reordered)

    def _reordered(self, done: ReorderDone) -> None:
        self.finished(
            done,
            self.t("workflows.undelivered.done", serial=done.serial, order=done.new_order_id[:8]),
        )

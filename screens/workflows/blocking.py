"""Blocking (R9): the card, the reason, and the confirmations the block needs.

Works without the card and without the holder (a phone call to the office). For
5xx/6xx/no product number the clerk confirms that the holder was told to call Telia's
blocking line; for a SIS-marked card lost or stolen, that a police report is needed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select, Static

from kiosk.domain.blocking import TELIA_BLOCKING_LINE
from kiosk.domain.types import BlockReason
from kiosk.i18n import Catalogue
from kiosk.services.login import Operator
from kiosk.services.workflows.blocking import BlockForm, BlockingService, BlockPreview
from kiosk.services.workflows.common import Done
from screens.workflows.base import WORKFLOW_CSS, WorkflowScreen


class BlockScreen(WorkflowScreen):
    workflow = "block"
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        WORKFLOW_CSS,
        Path(__file__).with_name("blocking.tcss"),
    ]

    def __init__(
        self,
        catalogue: Catalogue,
        service: BlockingService,
        operator: Operator,
        *,
        serial: str | None = None,
        card_present: bool = False,
        holder_present: bool = False,
        received_at: dt.datetime | None = None,
    ) -> None:
        super().__init__(catalogue)
        self.service = service
        self.operator = operator
        self.initial_serial = serial or ""
        self.card_present = card_present
        self.holder_present = holder_present
        self.preview: BlockPreview | None = None
        # R9: when the request came in (the call or the visit), not when it was saved
        self.received_at = received_at or service.now()

    def fields(self) -> ComposeResult:
        reasons = [(self.t(f"workflows.block.reason.{r.value}"), r.value) for r in BlockReason]
        yield Static(self.t("workflows.block.title"), classes="wf-title")
        yield self.serial_input()
        yield Select(reasons, id="reason", prompt=self.t("workflows.block.reason_prompt"))
        yield Static(id="duties", classes="wf-info")
        yield Checkbox(self.t("workflows.block.telia", phone=TELIA_BLOCKING_LINE), id="telia")
        yield Checkbox(self.t("workflows.block.police"), id="police")
        yield Checkbox(self.t("workflows.block.card_present"), self.card_present, id="card")
        yield Checkbox(self.t("workflows.block.holder_present"), self.holder_present, id="holder")

    def on_mount(self) -> None:
        self.query_one("#telia", Checkbox).display = False
        self.query_one("#police", Checkbox).display = False
        if self.initial_serial:
            self._load_preview()
            self.query_one("#reason", Select).focus()
        else:
            self.query_one("#serial", Input).focus()

    def _reason(self) -> BlockReason | None:
        value = self.query_one("#reason", Select).value
        return BlockReason(value) if isinstance(value, str) else None

    def _load_preview(self) -> None:
        serial, reason = self.value("#serial"), self._reason()
        if serial:
            self.run_io(lambda: self.service.preview(serial, reason), self._previewed)

    def _previewed(self, preview: BlockPreview) -> None:
        self.busy = False
        self.preview = preview
        self.query_one("#duties", Static).update(
            self.t("workflows.block.card", serial=preview.serial, series=preview.series)
            + ("\n" + self.notices(preview.notices) if preview.notices else "")
        )
        self.query_one("#telia", Checkbox).display = preview.needs_telia
        self.query_one("#police", Checkbox).display = preview.needs_police

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._load_preview()
        self.query_one("#reason", Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._load_preview()

    def submit(self) -> None:
        serial, reason = self.value("#serial"), self._reason()
        if not serial:
            self.show(self.t("workflows.field.serial_missing"), refused=True)
            return
        if reason is None:
            self.show(self.t("workflows.block.reason_missing"), refused=True)
            return
        form = BlockForm(
            serial,
            reason,
            card_present=self.query_one("#card", Checkbox).value,
            holder_present=self.query_one("#holder", Checkbox).value,
            telia_confirmed=self.query_one("#telia", Checkbox).value,
            police_confirmed=self.query_one("#police", Checkbox).value,
            received_at=self.received_at,
        )
        self.run_io(lambda: self.service.block(self.operator, form), self._blocked)

    def _blocked(self, done: Done) -> None:
        # the form is spent: the result takes its place, so that it is read whole at 80×24
        for widget in self.query("#serial, #reason, #duties, Checkbox"):
            widget.display = False
        text = self.t("workflows.block.done", serial=done.serial)
        if done.notices:
            text += "\n" + self.notices(done.notices)
        self.finished(done, text)

"""Name change (R10) and return (R11): dates, deadlines and the keep-card exception."""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Static

from kiosk.i18n import Catalogue
from kiosk.services.login import Operator
from kiosk.services.workflows.common import Done
from kiosk.services.workflows.deadlines import DeadlineDone
from kiosk.services.workflows.name_change import NameChangeService
from kiosk.services.workflows.returns import ReturnService
from screens.base import KeySpec
from screens.workflows.base import WORKFLOW_CSS, WorkflowScreen


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


class _DatedScreen(WorkflowScreen):
    """A card and a date: the date field takes the focus when the card is known."""

    def __init__(self, catalogue: Catalogue, operator: Operator, serial: str | None) -> None:
        super().__init__(catalogue)
        self.operator = operator
        self.initial_serial = serial or ""

    def on_mount(self) -> None:
        self.query_one("#date" if self.initial_serial else "#serial", Input).focus()

    def serial_and_day(self) -> tuple[str, dt.date] | None:
        """The serial and the date typed; a missing or unreadable one is refused."""
        serial, day = self.value("#serial"), parse_date(self.value("#date"))
        if not serial:
            self.show(self.t("workflows.field.serial_missing"), refused=True)
            return None
        if day is None:
            self.show(self.t("workflows.field.date_invalid"), refused=True)
            return None
        return serial, day


class NameChangeScreen(_DatedScreen):
    """The day the holder changed name; the old card must be replaced within 3 months."""

    workflow = "name_change"

    def __init__(
        self,
        catalogue: Catalogue,
        service: NameChangeService,
        operator: Operator,
        serial: str | None = None,
        *,
        new_name: str | None = None,
    ) -> None:
        super().__init__(catalogue, operator, serial)
        self.service = service
        self.new_name = new_name  # from the visit's identity document, once it was checked

    def fields(self) -> ComposeResult:
        yield Static(self.t("workflows.name_change.title"), classes="wf-title")
        yield Static(self.t("workflows.name_change.info"), classes="wf-info")
        if self.new_name:
            yield Static(self.t("workflows.name_change.new_name", name=self.new_name))
        else:
            yield Static(self.t("workflows.name_change.no_document"), classes="wf-info")
        yield self.serial_input()
        yield Input(id="date", placeholder=self.t("workflows.field.date"))

    def submit(self) -> None:
        serial_and_day = self.serial_and_day()
        if serial_and_day is None:
            return
        serial, day = serial_and_day
        name = self.new_name
        self.run_io(
            lambda: self.service.record(self.operator, serial, day, new_name=name), self._done
        )

    def _done(self, done: DeadlineDone) -> None:
        due = done.due.isoformat() if done.due else "-"
        text = self.t("workflows.name_change.done", serial=done.serial, due=due)
        if self.new_name:  # R10: the new card, with the new name, is ordered in the visit
            text += "\n" + self.t("workflows.name_change.order_next", name=self.new_name)
        self.finished(done, text)


class ReturnScreen(_DatedScreen):
    """Ctrl+S: the card is handed back now (or kept, with a reason). Shift+F2: record the
    end of employment only (the card is due within three months)."""

    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        *_DatedScreen.KEYS,
        ("f14,shift+f2", "record_end", "workflows.key.record_end"),  # Shift+F2 arrives as F14
    )
    workflow = "return"
    ACTING = frozenset({"submit", "record_end"})
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        WORKFLOW_CSS,
        Path(__file__).with_name("deadlines.tcss"),
    ]

    def __init__(
        self,
        catalogue: Catalogue,
        service: ReturnService,
        operator: Operator,
        serial: str | None = None,
    ) -> None:
        super().__init__(catalogue, operator, serial)
        self.service = service

    def fields(self) -> ComposeResult:
        yield Static(self.t("workflows.return.title"), classes="wf-title")
        yield Static(self.t("workflows.return.info"), classes="wf-info")
        yield self.serial_input()
        yield Input(id="date", placeholder=self.t("workflows.field.end_date"))
        yield Checkbox(self.t("workflows.return.keep"), id="keep")
        yield Input(id="reason", placeholder=self.t("workflows.field.keep_reason"))

    def action_record_end(self) -> None:
        if self.busy or not self.check_action("record_end", ()):
            return
        serial_and_day = self.serial_and_day()
        if serial_and_day is None:
            return
        serial, day = serial_and_day
        self.run_io(lambda: self.service.record_end(self.operator, serial, day), self._end)

    def _end(self, done: DeadlineDone) -> None:
        due = done.due.isoformat() if done.due else "-"
        self.finished(done, self.t("workflows.return.end_done", serial=done.serial, due=due))

    def submit(self) -> None:
        serial = self.value("#serial")
        if not serial:
            self.show(self.t("workflows.field.serial_missing"), refused=True)
            return
        keep = self.query_one("#keep", Checkbox).value
        reason = self.value("#reason") if keep else None
        self.run_io(
            lambda: self.service.take_back(
                self.operator, serial, keep_card=keep, keep_reason=reason
            ),
            self._taken,
        )

    def _taken(self, done: Done) -> None:
        key = (
            "workflows.return.done"
            if done.state and done.state.value == "returned"
            else ("workflows.return.kept")
        )
        self.finished(done, self.t(key, serial=done.serial))

"""The day report from the palette: written in a thread worker to the reports folder; the
clerk is told the file's path, or why it could not be written. The day's list
(``DayEventsScreen``) shows the day's events with a receipt, to reprint one."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static

from kiosk.i18n import Catalogue
from kiosk.services.context import UiContext
from screens.base import KeySpec, KioskScreen
from screens.key_bar import KeyBar
from screens.receipt_list import ReprintRow, ReprintTable, reprint_row
from screens.status_bar import StatusBar
from screens.workflows.receipt_flow import notify_receipt_failed

if TYPE_CHECKING:
    from kiosk.reports.day import DayReport
    from kiosk.reports.service import DayReportService


def write_day_report(
    app: App[Any], catalogue: Catalogue, reports: DayReportService, day: dt.date
) -> None:
    """``day``'s report, in the catalogue's language."""
    lang = catalogue.lang

    def job() -> None:
        try:
            path = reports.write(day, lang=lang)
        except Exception as exc:
            with contextlib.suppress(RuntimeError):
                app.call_from_thread(notify_receipt_failed, app, catalogue, exc)
            return
        with contextlib.suppress(RuntimeError):
            app.call_from_thread(app.notify, catalogue("report.written", path=path), timeout=12)

    app.run_worker(job, thread=True, group="report", exit_on_error=False)


class DayEventsScreen(KioskScreen):
    """The day's list: today's events that have a receipt, read in a worker; Enter on one
    reprints its receipt, Ctrl+S writes the day report (PDF), Escape goes back."""

    CSS_PATH = Path(__file__).with_name("day_report.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("escape", "app.back", "ui.key.back"),
        ("ctrl+s", "write_report", "ui.key.day_report_pdf"),
        ("ctrl+l", "app.lock", "ui.key.lock"),
    )

    def __init__(self, ctx: UiContext, reports: DayReportService, day: dt.date) -> None:
        super().__init__(ctx)
        self.reports = reports
        self.day = day

    def compose(self) -> ComposeResult:
        yield StatusBar(self.ctx.catalogue)
        yield Static(self.t("ui.day.title", day=self.day.isoformat()), id="day-title")
        yield Static(self.t("ui.day.loading"), id="day-message")
        yield ReprintTable(self.ctx.catalogue, id="day-events")
        yield KeyBar(self.ctx.catalogue)

    def on_mount(self) -> None:
        reports, day = self.reports, self.day
        self.query_one("#day-events", ReprintTable).focus()
        self.run_io(lambda: reports.build(day), self.show_report, self._failed, group="day")

    def show_report(self, report: DayReport) -> None:
        rows = [
            ReprintRow(line.event_id, line.at, line.event_type, line.serial, line.operator)
            for line in report.receipts
        ]
        self.query_one("#day-events", ReprintTable).show_rows(rows)
        text = self.t("ui.day.count", count=len(rows)) if rows else self.t("ui.day.none")
        self.query_one("#day-message", Static).update(text)

    def _failed(self, exc: BaseException) -> None:
        self.query_one("#day-message", Static).update(self.error_text(exc))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if isinstance(event.data_table, ReprintTable):
            reprint_row(self, self.ctx.catalogue, event.data_table.highlighted())

    def action_write_report(self) -> None:
        write_day_report(self.app, self.ctx.catalogue, self.reports, self.day)

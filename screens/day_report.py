"""The day report from the palette: written in a thread worker to the reports folder; the
clerk is told the file's path, or why it could not be written."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING, Any

from textual.app import App

from kiosk.i18n import Catalogue
from screens.workflows.receipt_flow import notify_receipt_failed

if TYPE_CHECKING:
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

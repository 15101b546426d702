"""The day report as a service: one day's numbers from the store, rendered to a PDF and
saved in the reports folder. ``kiosk report day`` and the app's palette both use it.

The store stays open for as long as the caller keeps it (the app's for its lifetime, the
command's for one report); the PDF is written atomically (``save_pdf``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kiosk.reports.day import DayReport, build_day_report
from store.database import Store


def day_report_name(day: dt.date) -> str:
    """The file name of ``day``'s report in the reports folder."""
    return f"day-{day.isoformat()}.pdf"


class DayReportService:
    """The office's day report: ``build`` the numbers, ``write`` the PDF."""

    def __init__(self, store: Store, *, office_id: str, folder: Path, lang: str = "sv") -> None:
        self.store = store
        self.office_id = office_id
        self.folder = folder
        self.lang = lang

    def __repr__(self) -> str:
        return f"DayReportService(folder={str(self.folder)!r})"

    def build(self, day: dt.date) -> DayReport:
        return build_day_report(self.store, day=day, office_id=self.office_id)

    def write(self, day: dt.date, *, lang: str | None = None, out: Path | None = None) -> Path:
        """``day``'s report as a PDF: ``out``, else ``day-<date>.pdf`` in the reports folder."""
        from kiosk.receipts.printing import save_pdf
        from kiosk.reports.render import render_day_report

        pdf = render_day_report(self.build(day), lang=lang or self.lang)
        target = out or self.folder / day_report_name(day)
        return save_pdf(target.parent, target.name, pdf)

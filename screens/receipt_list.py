"""Receipts again from a list the clerk sees: the holder's history (lookup) and the day's
events (``DayEventsScreen``). A row is one journal event; Enter on it reprints its receipt
through the receipt desk, in a thread worker; the outcome (printed, or saved where) shows
as a notification. The 36-character event id stays out of sight."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable

from kiosk.i18n import Catalogue
from kiosk.receipts.facts import RECEIPT_EVENTS
from screens.base import run_in_thread
from screens.sized_table import fill_sized


@dataclass(frozen=True)
class ReprintRow:
    event_id: str
    at: dt.datetime
    event_type: str
    serial: str
    operator: str


def event_label(t: Catalogue, event_type: str) -> str:
    for key in (f"ui.event.{event_type}", f"receipt.action.{event_type}"):
        if t.has(key):
            return t(key)
    return t("ui.event.other")


COLUMNS = ("when", "action", "card", "operator")


class ReprintTable(DataTable[str]):
    """Journal events, one a row; Enter reprints the highlighted row's receipt (rows
    without a receipt say so)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "ui.key.reprint"),
    ]

    def __init__(self, catalogue: Catalogue, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.catalogue = catalogue
        self.rows_shown: tuple[ReprintRow, ...] = ()

    def on_mount(self) -> None:
        fill_sized(self, self._columns(), [])

    def _columns(self) -> list[tuple[str, str]]:
        return [(column, self.catalogue(f"ui.reprint.col.{column}")) for column in COLUMNS]

    def show_rows(self, rows: Sequence[ReprintRow]) -> None:
        t = self.catalogue
        self.rows_shown = tuple(rows)
        cells = [
            (
                f"{row.at:%Y-%m-%d %H:%M}",
                event_label(t, row.event_type),
                row.serial or "–",
                row.operator or "–",
            )
            for row in self.rows_shown
        ]
        fill_sized(self, self._columns(), cells)

    def highlighted(self) -> ReprintRow | None:
        index = self.cursor_row
        return self.rows_shown[index] if 0 <= index < len(self.rows_shown) else None


def reprint_row(screen: Screen[Any], catalogue: Catalogue, row: ReprintRow | None) -> None:
    """The row's receipt again, in a worker; the clerk hears where it went."""
    app = screen.app
    services = getattr(app, "ctx", None)
    holder = services.services if services is not None else None
    desk = holder.get().receipts if holder is not None and holder.ready else None
    if row is None or desk is None:
        return
    if row.event_type not in RECEIPT_EVENTS:
        app.notify(catalogue("ui.reprint.no_receipt"), severity="warning")
        return
    lang, event_id = catalogue.lang, row.event_id
    app.notify(catalogue("ui.reprint.working"))

    def done(outcome: Any) -> None:
        failed = outcome.delivery is None or not outcome.delivery.delivered
        app.notify(outcome.describe(catalogue), severity="warning" if failed else "information")

    def failed(exc: BaseException) -> None:
        app.notify(catalogue.error(exc), severity="error")

    run_in_thread(screen, lambda: desk.reprint(event_id, lang=lang), done, failed, "reprint")

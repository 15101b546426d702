"""Lookup of a holder by personnummer, name or card serial: cards, deadlines, history."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, Static

from kiosk.i18n import Catalogue
from kiosk.services.context import UiContext
from kiosk.services.lookup import LookupResult, mask_personnummer
from kiosk.services.ports import HolderDetail, HolderSummary
from screens.base import KeySpec, KioskScreen
from screens.key_bar import KeyBar
from screens.messages import VisitRequested
from screens.receipt_list import ReprintRow, ReprintTable, reprint_row
from screens.sized_table import fill_sized
from screens.status_bar import StatusBar


def label(t: Catalogue, prefix: str, value: str) -> str:
    """A translated label for an enum value, or the value itself when there is none."""
    key = f"{prefix}.{value}"
    return t(key) if t.has(key) else value


def render_detail(
    t: Catalogue, detail: HolderDetail, *, reveal: bool = False, history: bool = True
) -> RenderableType:
    """The holder's detail; the personnummer masked unless the clerk revealed it. Without
    ``history`` the history is left to the screen's list (``ReprintTable``)."""
    holder = detail.holder
    pnr = holder.personnummer if reveal else mask_personnummer(holder.personnummer)
    head = Text.assemble((holder.name, "bold"), "  ", pnr)
    cards = Table(expand=True, box=None, show_edge=False, pad_edge=False)
    for column in ("serial", "product", "state", "photo", "extra"):
        cards.add_column(t(f"ui.lookup.col.{column}"), no_wrap=column != "extra")
    for card in detail.cards:
        extra = []
        if card.sis_marked:
            extra.append(t("ui.card.sis"))
        if card.assurance_level:
            extra.append(card.assurance_level)
        if card.shipment:
            extra.append(label(t, "ui.card.shipment", card.shipment))
        photo = " ".join(
            part
            for part in (
                card.photo_office or "",
                card.photo_date.isoformat() if card.photo_date else "",
            )
            if part
        )
        cards.add_row(
            card.serial,
            card.product_number or "–",
            label(t, "ui.card.state", card.state),
            photo or "–",
            ", ".join(extra),
        )
    parts: list[RenderableType] = [head, Text(t("ui.lookup.cards"), style="bold underline"), cards]
    if not detail.cards:
        parts.append(Text(t("ui.lookup.no_cards"), style="dim"))
    parts.append(Text(t("ui.lookup.deadlines"), style="bold underline"))
    if detail.deadlines:
        for deadline in detail.deadlines:
            parts.append(
                Text(
                    f"{deadline.due.isoformat()}  {label(t, 'ui.deadline', deadline.kind)}"
                    + (f"  ({deadline.card_serial})" if deadline.card_serial else "")
                )
            )
    else:
        parts.append(Text(t("ui.lookup.no_deadlines"), style="dim"))
    parts.append(Text(t("ui.lookup.history"), style="bold underline"))
    if not history:
        if not detail.history:
            parts.append(Text(t("ui.lookup.no_history"), style="dim"))
        return Group(*parts)
    if detail.history:
        for line in detail.history:
            parts.append(
                Text(
                    f"{line.at:%Y-%m-%d %H:%M}  {label(t, 'ui.event', line.event_type)}"
                    f"  {line.operator}" + (f"  {line.card_serial}" if line.card_serial else "")
                )
            )
    else:
        parts.append(Text(t("ui.lookup.no_history"), style="dim"))
    return Group(*parts)


class LookupScreen(KioskScreen):
    CSS_PATH = Path(__file__).with_name("lookup.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("escape", "app.back", "ui.key.back"),  # back to the visit, if it came from one
        ("f2", "visit_for_selected", "ui.key.visit_for_holder"),
        ("ctrl+t", "reveal_personnummer", "ui.key.reveal_personnummer"),
        ("ctrl+l", "app.lock", "ui.key.lock"),
    )

    def __init__(self, ctx: UiContext, *, initial_query: str = "") -> None:
        super().__init__(ctx)
        self._initial_query = initial_query
        self._holders: tuple[HolderSummary, ...] = ()
        self.detail: HolderDetail | None = None
        self.reveal = False  # the full personnummer, after Ctrl+T; masked again per holder

    def compose(self) -> ComposeResult:
        yield StatusBar(self.ctx.catalogue)
        yield Input(id="query", placeholder=self.t("ui.lookup.placeholder"))
        yield Static(self.t("ui.lookup.help"), id="lookup-message")
        table: DataTable[str] = DataTable(id="results", cursor_type="row")
        fill_sized(table, self._result_columns(), [])
        yield table
        with VerticalScroll(id="detail-scroll"):
            yield Static("", id="detail")
            yield ReprintTable(self.ctx.catalogue, id="history")
        yield KeyBar(self.ctx.catalogue)

    def _result_columns(self) -> list[tuple[str, str]]:
        return [
            ("name", self.t("ui.lookup.col.name")),
            ("pnr", self.t("ui.lookup.col.personnummer")),
        ]

    def on_mount(self) -> None:
        query = self.query_one("#query", Input)
        query.focus()
        if self._initial_query:
            query.value = self._initial_query
            self._search(self._initial_query)

    def _message(self, text: str, *, refused: bool = False) -> None:
        message = self.query_one("#lookup-message", Static)
        message.update(text)
        message.set_class(refused, "refused")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._search(event.value)

    def _search(self, text: str) -> None:
        if not text.strip():
            return
        holder = self.ctx.services
        self._message(self.t("ui.lookup.searching"))
        self.run_io(lambda: holder.get().lookup.search(text), self._found, self._failed)

    def _found(self, result: LookupResult) -> None:
        self._holders = result.holders
        table = self.query_one("#results", DataTable)
        rows = [(s.name, mask_personnummer(s.personnummer)) for s in result.holders]
        fill_sized(table, self._result_columns(), rows)
        self.detail = None
        self.query_one("#detail", Static).update("")
        self.query_one("#history", ReprintTable).show_rows(())
        if not result.holders:
            self._message(self.t("ui.lookup.none", kind=self.t(f"ui.lookup.kind.{result.kind}")))
            return
        self._message(
            self.t(
                "ui.lookup.found",
                count=len(result.holders),
                kind=self.t(f"ui.lookup.kind.{result.kind}"),
            )
        )
        if len(result.holders) == 1:
            self._open(result.holders[0])
        else:
            table.focus()

    def _failed(self, exc: BaseException) -> None:
        self._message(self.error_text(exc), refused=True)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if isinstance(event.data_table, ReprintTable):  # Enter on a history entry
            reprint_row(self, self.ctx.catalogue, event.data_table.highlighted())
            return
        index = int(str(event.row_key.value))
        if 0 <= index < len(self._holders):
            self._open(self._holders[index])

    def _open(self, summary: HolderSummary) -> None:
        holder = self.ctx.services
        self.run_io(
            lambda: holder.get().lookup.detail(summary.holder_id),
            self._show_detail,
            self._failed,
            group="detail",
        )

    def _show_detail(self, detail: HolderDetail | None) -> None:
        self.detail, self.reveal = detail, False
        if detail is None:
            self._message(self.t("ui.lookup.gone"), refused=True)
            return
        self.query_one("#detail", Static).update(
            render_detail(self.ctx.catalogue, detail, history=False)
        )
        self.query_one("#history", ReprintTable).show_rows(
            [
                ReprintRow(
                    line.event_id, line.at, line.event_type, line.card_serial or "", line.operator
                )
                for line in detail.history
            ]
        )

    def action_reveal_personnummer(self) -> None:
        """Ctrl+T shows the full personnummer of the holder shown, and hides it again."""
        if self.detail is None:
            return
        self.reveal = not self.reveal
        self.query_one("#detail", Static).update(
            render_detail(self.ctx.catalogue, self.detail, reveal=self.reveal, history=False)
        )

    def action_visit_for_selected(self) -> None:
        if self.detail is None:
            self._message(self.t("ui.lookup.select_first"), refused=True)
            return
        self.post_message(VisitRequested(self.detail.holder, self.detail.cards))

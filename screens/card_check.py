"""The card check (R13 with R5, R12): PIN, certificates, chain, signing certificate, verdict."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from kiosk.i18n import Catalogue
from kiosk.services.card_check import CardCheckReport, Verdict
from kiosk.services.context import UiContext
from kiosk.services.ports import CardView
from screens.base import KeySpec, KioskScreen, pin_input
from screens.key_bar import KeyBar
from screens.status_bar import StatusBar

VERDICT_STYLE = {Verdict.OK: "bold green", Verdict.WARNING: "bold yellow", Verdict.FAIL: "bold red"}
MARK = {Verdict.OK: "✓ ", Verdict.WARNING: "! ", Verdict.FAIL: "✗ "}


def render_report(t: Catalogue, report: CardCheckReport) -> RenderableType:
    verdict = report.verdict
    parts: list[RenderableType] = [
        Text(t(f"ui.test.verdict.{verdict.value}"), style=VERDICT_STYLE[verdict]),
        Text(t(f"ui.test.advice.{verdict.value}")),
    ]
    parts.extend(Text(t(notice.key, **notice.params)) for notice in report.advice)  # R13
    for finding in report.findings:
        parts.append(
            Text.assemble(
                (MARK[finding.severity], VERDICT_STYLE[finding.severity]),
                t(finding.key, **finding.params),
            )
        )
    if report.certificates:
        table = Table(box=None, pad_edge=False, show_edge=False)
        for column in ("slot", "subject", "valid_to", "status"):
            table.add_column(t(f"ui.test.col.{column}"), no_wrap=True)
        for line in report.certificates:
            table.add_row(
                f"{line.slot:X} {t(f'ui.test.slot.{line.slot:x}')}",
                line.subject,
                line.not_after.isoformat(),
                t("ui.test.cert.valid") if line.valid_now else t("ui.test.cert.invalid"),
            )
        parts.append(table)
    return Group(*parts)


class CardCheckScreen(KioskScreen):
    CSS_PATH = Path(__file__).with_name("card_check.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("escape", "app.back", "ui.key.back"),
        ("f10", "app.end_visit", "ui.key.end_visit"),
        ("ctrl+l", "app.lock", "ui.key.lock"),
    )

    def __init__(self, ctx: UiContext, record: CardView | None = None) -> None:
        super().__init__(ctx)
        self.record = record
        self.report: CardCheckReport | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar(self.ctx.catalogue)
        yield Static(self.t("ui.test.intro"), id="test-intro")
        yield pin_input("test-pin", self.t("ui.test.pin_placeholder"))
        with VerticalScroll():
            yield Static("", id="test-report")
        yield KeyBar(self.ctx.catalogue)

    def on_mount(self) -> None:
        self.query_one("#test-pin", Input).focus()
        service, record = self.ctx.services, self.record
        if service.ready:  # the register first: a card that cannot work asks for no PIN
            self.run_io(
                lambda: service.get().card_check.precheck(record),
                self._prechecked,
                lambda _exc: None,  # no card yet, or unreadable: the PIN run says so
                group="card-precheck",
            )

    def _prechecked(self, report: CardCheckReport | None) -> None:
        if report is None:
            return
        pin = self.query_one("#test-pin", Input)
        pin.value, pin.disabled = "", True
        self.query_one("#test-intro", Static).update(self.t("ui.test.no_pin_needed"))
        self._done(report)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        pin = event.value
        event.input.value = ""
        if not pin:
            return
        service = self.ctx.services
        record = self.record
        self.query_one("#test-report", Static).update(self.t("ui.test.running"))
        self.run_io(
            lambda: service.get().card_check.run(pin, record),
            self._done,
            self._failed,
            group="card-check",
        )

    def _done(self, report: CardCheckReport) -> None:
        self.report = report
        self.query_one("#test-report", Static).update(render_report(self.ctx.catalogue, report))

    def _failed(self, exc: BaseException) -> None:
        self.query_one("#test-report", Static).update(Text(self.error_text(exc), style="bold red"))

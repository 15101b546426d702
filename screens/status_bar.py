"""The status bar: operator and role, office, both readers, scanner, sync figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widgets import Static

from kiosk.i18n import Catalogue
from kiosk.services.status import StatusSnapshot, format_age

STATUS_BAR_CSS = Path(__file__).with_name("status_bar.tcss")
"""The widget's styles; widgets have no ``CSS_PATH``, so the App loads this file."""


class StatusBar(Static):
    """Two lines docked at the top of every screen; follows the app's ``status``."""

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__(id="status-bar")
        self._t = catalogue

    def on_mount(self) -> None:
        self.watch(self.app, "status", self._show, init=True)
        if hasattr(type(self.app), "rejected_count"):
            self.watch(self.app, "rejected_count", self._show_rejected, init=False)

    def _show(self, snapshot: Any) -> None:
        if isinstance(snapshot, StatusSnapshot):
            rejected = getattr(self.app, "rejected_count", 0)
            self.update(render_status(self._t, snapshot, rejected=int(rejected or 0)))

    def _show_rejected(self, _count: int) -> None:
        self._show(getattr(self.app, "status", None))


def render_status(t: Catalogue, s: StatusSnapshot, *, rejected: int = 0) -> Text:
    """``rejected``: events the central rejected (shown only when there are any)."""
    if s.operator:
        if s.blocking_only:  # in the role's place: all this login may do is block cards
            role = Text(t("ui.status.blocking_only"), style="bold red")
        else:
            role = Text(t(f"ui.role.{s.role or 'clerk'}"))
        who = Text.assemble((s.operator, "bold"), " (", role, ")")
    else:
        who = Text(t("ui.status.locked"), style="bold yellow")
    f = s.figures
    if f.failing_since is not None:
        online = Text(t("ui.status.sync_failing", since=f.failing_since), style="bold red")
    elif f.online:
        online = Text(t("ui.status.online"), style="bold green")
    else:
        online = Text(t("ui.status.offline"), style="bold yellow")
    line1 = Text.assemble(
        who, " │ ", s.office, " │ ", online, " │ ", t("ui.status.events", count=f.waiting_events)
    )
    if f.journal_diverged:  # the alarm, first (never cut off): only blocks are recorded
        alarm = Text(t("ui.status.journal_diverged"), style="bold white on red")
        if f.blocks_outside_chain:  # R9: the cards are blocked at the central all the same
            alarm.append(" │ ")
            outside = t("ui.status.blocks_outside_chain", count=f.blocks_outside_chain)
            alarm.append(outside, style="bold green")
        line1 = Text.assemble(alarm, " │ ", line1)
    if rejected:
        line1.append(" │ ")
        line1.append(t("ui.status.rejected", count=rejected), style="bold red")
    styles = {"card": "bold green", "ok": "bold green", "missing": "bold red", "unknown": "dim"}
    blocks = Text(
        t("ui.status.blocks", count=f.waiting_blocks, age=format_age(f.oldest_block_age_seconds)),
        style="bold red" if f.waiting_blocks else "",
    )
    line2 = Text.assemble(
        t("ui.status.readers"),
        ": ",
        t("ui.status.operator_reader"),
        " ",
        (t(f"ui.status.reader.{s.operator_reader}"), styles.get(s.operator_reader, "")),
        ", ",
        t("ui.status.customer_reader"),
        " ",
        (t(f"ui.status.reader.{s.customer_reader}"), styles.get(s.customer_reader, "")),
        " │ ",
        t("ui.status.scanner"),
        " ",
        (t(f"ui.status.scanner.{s.scanner}"), styles.get(s.scanner, "")),
        " │ ",
        blocks,
    )
    for line in (line1, line2):
        line.no_wrap = True
        line.overflow = "ellipsis"
    return Text("\n").join([line1, line2])

"""A customer visit: identity check first (R1), then the customer's card."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from kiosk.domain.types import VisitPurpose
from kiosk.i18n import Catalogue
from kiosk.services.context import UiContext
from kiosk.services.lookup import mask_personnummer
from kiosk.services.ports import IdentityOutcome, ManualDocument, ReaderRole
from kiosk.services.visit import CardMatch, Visit
from screens.base import KeySpec, KioskScreen
from screens.key_bar import KeyBar
from screens.messages import DocumentScanned, ReaderChanged
from screens.status_bar import StatusBar

PURPOSES = (
    VisitPurpose.GENERAL,
    VisitPurpose.ACTIVATION,
    VisitPurpose.UNLOCK,
    VisitPurpose.ORDER,
)
NO_HOLDER = "ui.visit.card.no_holder"  # the card match's reason before the holder is known


def render_checks(t: Catalogue, outcome: IdentityOutcome) -> Text:
    lines = []
    for check in outcome.checks:
        mark = ("✓ ", "bold green") if check.ok else ("✗ ", "bold red")
        lines.append(Text.assemble(mark, t(check.key)))
    if outcome.accepted:
        lines.append(Text(t("ui.visit.identity.accepted"), style="bold green"))
    elif outcome.soft_mismatch:
        lines.append(Text(t("ui.visit.identity.mismatch"), style="bold yellow"))
    else:
        lines.append(Text(t("ui.visit.identity.refused"), style="bold red"))
    return Text("\n").join(lines)


class VisitScreen(KioskScreen):
    CSS_PATH = Path(__file__).with_name("visit.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("f3", "app.open_lookup", "ui.key.lookup"),
        ("f4", "next_purpose", "ui.key.purpose"),
        ("f5", "likeness(True)", "ui.key.photo_yes"),
        ("f6", "likeness(False)", "ui.key.photo_no"),
        ("f7", "app.open_card_test", "ui.key.card_test"),
        ("f8", "manual_entry", "ui.key.manual"),
        ("f10", "app.end_visit", "ui.key.end_visit"),
    )
    # no room in the footer at 80 columns: the head says "Ctrl+T" beside the number (and F1)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "reveal_personnummer", "ui.key.reveal_personnummer", show=False)
    ]

    def __init__(self, ctx: UiContext, visit: Visit) -> None:
        super().__init__(ctx)
        self.visit = visit
        self._last_input: str | ManualDocument | None = None
        self.reveal = False  # the full personnummer in the head, after Ctrl+T
        self._carried_likeness: bool | None = None  # the photo judgement across F4

    def compose(self) -> ComposeResult:
        yield StatusBar(self.ctx.catalogue)
        with VerticalScroll():
            yield Static(id="visit-head")
            yield Static(self.t("ui.visit.scan_prompt"), id="zone", classes="section")
            yield Static(id="checks", classes="section")
            yield Static(id="likeness", classes="section")
            yield Static(id="card", classes="section")
            yield Static(id="visit-message", classes="section")
        yield KeyBar(self.ctx.catalogue)

    def on_mount(self) -> None:
        self.refresh_view()

    # --- view -------------------------------------------------------------------------

    def _message(self, text: str, *, refused: bool = False) -> None:
        message = self.query_one("#visit-message", Static)
        message.update(text)
        message.set_class(refused, "refused")

    def refresh_view(self) -> None:
        visit = self.visit
        purpose = self.t(f"ui.visit.purpose.{visit.purpose.value}")
        if visit.holder:
            pnr = visit.holder.personnummer
            who = Text.assemble(
                (visit.holder.name, "bold"),
                "  ",
                pnr if self.reveal else mask_personnummer(pnr),
                ("  " + self.t("ui.visit.reveal_hint"), "dim"),
            )
        else:
            who = Text(self.t("ui.visit.no_holder_yet"), style="dim")
        self.query_one("#visit-head", Static).update(
            Text.assemble((self.t("ui.visit.title", purpose=purpose), "bold"), "\n", who)
        )
        checks = self.query_one("#checks", Static)
        likeness = self.query_one("#likeness", Static)
        if visit.identity is None:
            checks.update("")
            likeness.update("")
        else:
            checks.update(render_checks(self.ctx.catalogue, visit.identity))
            if not visit.may_confirm:
                likeness.update("")
            elif visit.likeness_confirmed is None:
                likeness.update(Text(self.t("ui.visit.photo_question"), style="bold yellow"))
            elif visit.identity_done and visit.reason_given:
                likeness.update(Text(self.t("ui.visit.continued_with_reason"), style="bold yellow"))
            elif visit.identity_done:
                likeness.update(Text(self.t("ui.visit.photo_yes"), style="bold green"))
            elif not visit.likeness_confirmed:
                likeness.update(Text(self.t("ui.visit.photo_no"), style="bold red"))
            else:
                likeness.update(Text(self.t("ui.visit.check_ended"), style="bold red"))
        self._show_card(visit.card_match)

    def _show_card(self, match: CardMatch | None) -> None:
        card = self.query_one("#card", Static)
        if match is None:
            card.update(Text(self.t("ui.visit.card.none"), style="dim"))
            return
        state = ""
        if match.card is not None:
            key = f"ui.card.state.{match.card.state}"
            state = self.t(key) if self.ctx.catalogue.has(key) else match.card.state
        card.update(
            Text.assemble(
                ("✓ " if match.matched else "✗ ", "bold green" if match.matched else "bold red"),
                self.t(match.reason_key, serial=match.card_serial or "?", state=state),
            )
        )

    # --- identity check -----------------------------------------------------------------

    def scan(self, zone_text: str) -> None:
        """The scanner delivered a zone: show it at once, then check it."""
        lines = [line for line in zone_text.splitlines() if line.strip()]
        self.query_one("#zone", Static).update("\n".join(lines))
        self._last_input = zone_text
        self._check()

    def manual(self, document: ManualDocument) -> None:
        self.query_one("#zone", Static).update(self.t("ui.visit.manual_done"))
        self._last_input = document
        self._check()

    def _check(self) -> None:
        entry = self._last_input
        if entry is None:
            return
        service = self.ctx.services
        visit = self.visit
        self._message(self.t("ui.visit.checking"))

        def check() -> IdentityOutcome:
            visit_service = service.get().visit
            if isinstance(entry, str):
                return visit_service.check_zone(visit, entry)
            return visit_service.check_manual(visit, entry)

        self.run_io(check, self._checked, self._failed, group="identity")

    def _checked(self, outcome: IdentityOutcome) -> None:
        self._message("")
        self.refresh_view()
        match = self.visit.card_match  # a card read before the holder was known
        if match is not None and match.reason_key == NO_HOLDER and self.visit.holder:
            self.customer_card(True)
        carried, self._carried_likeness = self._carried_likeness, None
        if carried is not None and self.visit.may_confirm and not outcome.soft_mismatch:
            self._confirm(carried, None)

    def _failed(self, exc: BaseException) -> None:
        self._message(self.error_text(exc), refused=True)
        self.refresh_view()

    def action_manual_entry(self) -> None:
        from screens.manual_entry import ManualEntryScreen

        def entered(document: ManualDocument | None) -> None:
            if document is not None:
                self.manual(document)

        self.app.push_screen(ManualEntryScreen(self.ctx), entered)

    def action_reveal_personnummer(self) -> None:
        self.reveal = not self.reveal
        self.refresh_view()

    def action_next_purpose(self) -> None:
        """Another errand: the document is checked again for it (R1 differs by errand);
        the clerk's photo judgement carries over and is recorded with the new check."""
        index = PURPOSES.index(self.visit.purpose)
        self.visit.purpose = PURPOSES[(index + 1) % len(PURPOSES)]
        self._carried_likeness = self.visit.likeness_confirmed
        self.visit.identity, self.visit.likeness_confirmed = None, None
        self.refresh_view()
        self._check()

    def action_likeness(self, alike: bool) -> None:
        identity = self.visit.identity
        if identity is None or not self.visit.may_confirm:
            self._message(self.t("ui.visit.check_first"), refused=True)
            return
        if identity.soft_mismatch and alike:  # only name and birth date take a reason
            from screens.reason import ReasonScreen

            self.app.push_screen(
                ReasonScreen(self.ctx), lambda reason: self._confirm(alike, reason)
            )
            return
        self._confirm(alike, None)

    def _confirm(self, alike: bool, reason: str | None) -> None:
        service = self.ctx.services
        visit = self.visit
        operator = self.ctx.session.operator
        hsa_id = operator.hsa_id if operator else ""
        self.run_io(
            lambda: service.get().visit.confirm_likeness(
                visit, alike=alike, operator=hsa_id, reason=reason
            ),
            lambda _: self.refresh_view(),
            self._failed,
            group="likeness",
        )

    # --- the devices (posted on by the app) -------------------------------------------------

    def on_document_scanned(self, message: DocumentScanned) -> None:
        if message.event.text:
            self.scan(message.event.text)

    def on_reader_changed(self, message: ReaderChanged) -> None:
        if message.event.role == ReaderRole.CUSTOMER:
            self.customer_card(message.event.card_present)

    # --- the customer's card ---------------------------------------------------------------

    def customer_card(self, present: bool) -> None:
        if not present:
            self.visit.card_match = None
            self._show_card(None)
            return
        service = self.ctx.services
        visit = self.visit
        self.query_one("#card", Static).update(self.t("ui.visit.card.reading"))
        self.run_io(
            lambda: service.get().visit.read_customer_card(visit),
            self._show_card,
            self._card_failed,
            group="card",
        )

    def _card_failed(self, exc: BaseException) -> None:
        self.query_one("#card", Static).update(Text(self.error_text(exc), style="bold red"))

"""Card facts from the back of the card (R7, R9, R12): where the register lacks the product
number or a reserve card's assurance level, the clerk reads it from the back of the card
and types it twice. Enter on the card number says what the register lacks; Ctrl+S writes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Static

from kiosk.i18n import Catalogue
from kiosk.services.login import Operator
from kiosk.services.workflows.card_facts import CardFactsService, MissingCardFacts, TypedTwice
from kiosk.services.workflows.common import Done
from screens.workflows.base import WorkflowScreen

FACT_FIELDS = ("#product", "#product-again", "#level", "#level-again")


class CardFactsScreen(WorkflowScreen):
    """Dismisses with ``Done`` or None."""

    workflow = "card_facts"

    def __init__(
        self,
        catalogue: Catalogue,
        service: CardFactsService,
        operator: Operator,
        serial: str | None = None,
    ) -> None:
        super().__init__(catalogue)
        self.service = service
        self.operator = operator
        self.initial_serial = serial or ""
        self.missing: MissingCardFacts | None = None

    def fields(self) -> ComposeResult:
        yield Static(self.t("workflows.card_facts.title"), classes="wf-title")
        yield Static(self.t("workflows.card_facts.info"), classes="wf-info")
        yield self.serial_input()
        yield Input(id="product", placeholder=self.t("workflows.card_facts.product"))
        yield Input(id="product-again", placeholder=self.t("workflows.card_facts.again"))
        yield Input(id="level", placeholder=self.t("workflows.card_facts.level"))
        yield Input(id="level-again", placeholder=self.t("workflows.card_facts.again"))

    def on_mount(self) -> None:
        for selector in FACT_FIELDS:
            self.query_one(selector, Input).display = False
        self.query_one("#serial", Input).focus()
        if self.initial_serial:
            self._look_up(self.initial_serial)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "serial":
            event.stop()
            if event.value.strip():
                self._look_up(event.value.strip())
            return
        super().on_input_submitted(event)

    def _look_up(self, serial: str) -> None:
        self.run_io(lambda: self.service.missing(serial), self._found)

    def _found(self, missing: MissingCardFacts) -> None:
        self.busy = False
        self.missing = missing
        for selector in FACT_FIELDS[:2]:
            self.query_one(selector, Input).display = missing.product_number
        for selector in FACT_FIELDS[2:]:
            self.query_one(selector, Input).display = missing.assurance_level
        if not missing.any:
            self.show(self.t("workflows.card_facts.nothing_missing", serial=missing.serial))
            return
        self.show(self.t("workflows.card_facts.read_the_back", serial=missing.serial))
        self.query_one("#product" if missing.product_number else "#level", Input).focus()

    def submit(self) -> None:
        missing = self.missing
        if missing is None or missing.serial != self.value("#serial") or not missing.any:
            self._look_up(self.value("#serial"))
            return
        product = TypedTwice(self.value("#product"), self.value("#product-again"))
        level = TypedTwice(self.value("#level"), self.value("#level-again"))
        serial, operator = missing.serial, self.operator
        self.run_io(
            lambda: self.service.enter(
                operator,
                serial,
                product_number=product if missing.product_number else None,
                assurance_level=level if missing.assurance_level else None,
            ),
            self._entered,
        )

    def _entered(self, done: Done) -> None:
        self.finished(done, self.t("workflows.card_facts.done", serial=done.serial))

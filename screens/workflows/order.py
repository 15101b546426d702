"""The order visit (R1, R2, R3, R12): a card ordered for the holder at the counter.

The visit's identity check comes first. A holder not on record is registered from the
document: personnummer or samordningsnummer, the name, organisation and HSA-id where the
holder has one. The clerk picks the card kind and the delivery, and names the photo
file (or orders without photo). Ctrl+S places the order; the receipt follows.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select, Static

from kiosk.domain.orders import CardKind
from kiosk.domain.types import ShipmentMethod
from kiosk.i18n import Catalogue
from kiosk.services.visit import Visit
from kiosk.services.workflows.orders import (
    NewHolder,
    OrderPlaced,
    OrderRequest,
    OrderService,
    photo_from_file,
)
from screens.workflows.base import WORKFLOW_CSS, WorkflowScreen


class OrderScreen(WorkflowScreen):
    """Ctrl+S: place the order. Dismisses with ``OrderPlaced`` or None."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [
        WORKFLOW_CSS,
        Path(__file__).with_name("order.tcss"),
    ]

    def __init__(self, catalogue: Catalogue, service: OrderService, visit: Visit) -> None:
        super().__init__(catalogue)
        self.service = service
        self.visit = visit

    @property
    def registering(self) -> bool:
        return self.visit.holder is None

    def fields(self) -> ComposeResult:
        yield Static(self.t("workflows.order.title"), classes="wf-title")
        holder = self.visit.holder
        if holder is not None:
            yield Static(self.t("workflows.order.holder", name=holder.name), classes="wf-info")
        else:
            identity = self.visit.identity
            yield Static(self.t("workflows.order.register"), classes="wf-info")
            yield Input(
                (identity.personnummer or "") if identity else "",
                id="identity-number",
                placeholder=self.t("workflows.order.field.identity_number"),
            )
            yield Input(
                (identity.name or "") if identity else "",
                id="name",
                placeholder=self.t("workflows.order.field.name"),
            )
            yield Input(id="organisation", placeholder=self.t("workflows.order.field.organisation"))
            yield Input(id="hsa-id", placeholder=self.t("workflows.order.field.hsa_id"))
        kinds = [(self.t(f"workflows.order.kind.{k.value}"), k.value) for k in CardKind]
        yield Select(kinds, id="kind", value=CardKind.ORDINARY.value, allow_blank=False)
        deliveries = [
            (self.t(f"workflows.order.delivery.{d.value}"), d.value) for d in ShipmentMethod
        ]
        yield Select(
            deliveries, id="delivery", value=ShipmentMethod.A_POST.value, allow_blank=False
        )
        yield Input(id="photo", placeholder=self.t("workflows.order.field.photo"))
        yield Checkbox(self.t("workflows.order.no_photo"), id="no-photo")

    def on_mount(self) -> None:
        first = "#identity-number" if self.registering else "#kind"
        self.query_one(first).focus()

    def _select(self, selector: str) -> str:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else ""

    def submit(self) -> None:
        path = self.value("#photo")
        without = self.query_one("#no-photo", Checkbox).value
        if not path and not without:
            self.show(self.t("workflows.order.photo_missing"), refused=True)
            return
        kind = CardKind(self._select("#kind"))
        delivery = ShipmentMethod(self._select("#delivery"))
        newcomer = None
        if self.registering:
            newcomer = NewHolder(
                self.value("#identity-number"),
                self.value("#name"),
                self.value("#organisation"),
                self.value("#hsa-id") or None,
            )
            if not newcomer.identity_number or not newcomer.name:
                self.show(self.t("workflows.order.register_missing"), refused=True)
                return

        def place() -> OrderPlaced:  # in the worker: the photo file is read there
            photo = photo_from_file(path) if path and not without else None
            request = OrderRequest(kind, delivery, photo)
            return self.service.place(self.visit, request, new_holder=newcomer)

        self.run_io(place, self._placed)

    def _placed(self, placed: OrderPlaced) -> None:
        for widget in self.query("Input, Select, Checkbox"):
            widget.display = False
        order = placed.order
        text = self.t(
            "workflows.order.done",
            kind=self.t(f"workflows.order.kind.{order.card_kind}"),
            delivery=self.t(f"workflows.order.delivery.{order.delivery}"),
            reorder_from=placed.reorder_from.isoformat(),
        )
        self.finished(placed, text)

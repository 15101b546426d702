"""The order visit (R1, R2, R3, R12): a card ordered for the holder at the counter.

The visit's identity check comes first. A holder not on record is registered from the
document: personnummer or samordningsnummer, the name, organisation and HSA-id where the
holder has one. The clerk picks the card kind and the delivery, and takes the photo with
Ctrl+F (the capture screen: the counter camera, or a photo imported from a file) or ticks
"without photo". Ctrl+S places the order; the receipt follows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Select, Static

from kiosk.domain.orders import CardKind, OrderPhoto
from kiosk.domain.types import ShipmentMethod
from kiosk.i18n import Catalogue
from kiosk.services.visit import Visit
from kiosk.services.workflows.orders import (
    NewHolder,
    OrderPlaced,
    OrderRequest,
    OrderService,
    photo_from_jpeg,
)
from screens.base import KeySpec
from screens.workflows.base import WORKFLOW_CSS, WorkflowScreen

PhotoCapture = Callable[[], Screen[Any]]  # dismisses with an AcceptedPhoto or None


class OrderScreen(WorkflowScreen):
    """Ctrl+F: take the photo; Ctrl+S: place the order. Dismisses with ``OrderPlaced``
    or None."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [
        WORKFLOW_CSS,
        Path(__file__).with_name("order.tcss"),
    ]
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        *WorkflowScreen.KEYS,
        ("f17,shift+f5", "take_photo", "workflows.order.key.photo"),  # Shift+F5 arrives as F17
    )
    workflow = "order"
    ACTING = frozenset({"submit", "take_photo"})

    def __init__(
        self,
        catalogue: Catalogue,
        service: OrderService,
        visit: Visit,
        *,
        photo_capture: PhotoCapture | None = None,
    ) -> None:
        """``photo_capture`` makes the capture screen (None: no camera here, the order
        goes without photo)."""
        super().__init__(catalogue)
        self.service = service
        self.visit = visit
        self.photo_capture = photo_capture
        self.photo: OrderPhoto | None = None

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
        yield Static(self.t("workflows.order.photo_none"), id="photo-state", classes="wf-info")
        yield Checkbox(self.t("workflows.order.no_photo"), id="no-photo")

    def on_mount(self) -> None:
        first = "#identity-number" if self.registering else "#kind"
        self.query_one(first).focus()

    def _select(self, selector: str) -> str:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else ""

    def action_take_photo(self) -> None:
        if self.busy or self.result is not None or not self.check_action("take_photo", ()):
            return
        if self.photo_capture is None:
            self.show(self.t("workflows.order.no_camera"), refused=True)
            return
        self.app.push_screen(self.photo_capture(), self._photo_taken)

    def _photo_taken(self, accepted: Any) -> None:
        if accepted is None:  # the clerk left the capture screen: the photo stays as it was
            return
        self.photo = photo_from_jpeg(accepted.jpeg)
        self.query_one("#no-photo", Checkbox).value = False
        self.query_one("#photo-state", Static).update(
            self.t("workflows.order.photo_taken", width=accepted.width, height=accepted.height)
        )
        self.show("")

    def submit(self) -> None:
        without = self.query_one("#no-photo", Checkbox).value
        photo = None if without else self.photo
        if photo is None and not without:
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

        def place() -> OrderPlaced:
            request = OrderRequest(kind, delivery, photo)
            return self.service.place(self.visit, request, new_holder=newcomer)

        self.run_io(place, self._placed)

    def _placed(self, placed: OrderPlaced) -> None:
        for widget in self.query("Input, Select, Checkbox, #photo-state"):
            widget.display = False
        order = placed.order
        text = self.t(
            "workflows.order.done",
            kind=self.t(f"workflows.order.kind.{order.card_kind}"),
            delivery=self.t(f"workflows.order.delivery.{order.delivery}"),
            reorder_from=placed.reorder_from.isoformat(),
        )
        self.finished(placed, text)

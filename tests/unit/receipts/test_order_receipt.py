"""The order's receipt: what was ordered, how it is sent, when the holder may ask for a
new card if nothing arrives (R3: 30 days), whom to contact (the office, R14)."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.config import OfficeConfig
from kiosk.domain.orders import CardKind
from kiosk.domain.types import ShipmentMethod
from kiosk.i18n import Catalogue
from kiosk.receipts.render import render_receipt
from kiosk.receipts.service import ReceiptIssuer
from kiosk.services.workflows.orders import OrderRequest, OrderService
from tests.support.photos import order_photo
from tests.support.world import NAME, World
from tests.unit.receipts.pdf_helpers import compact, pdf_text

OFFICE_CONTACT = OfficeConfig(name="Kortkontoret Solna", phone="08-123 456 78")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_r3_order_receipt_says_what_how_and_when_to_ask_again(
    world: World, receipts: ReceiptIssuer, lang: str
) -> None:
    request = OrderRequest(CardKind.RESERVE_LOA3, ShipmentMethod.REGISTERED, order_photo())
    placed = OrderService(world.services).place(world.visit(), request)
    [event] = [e for e in world.journal_events() if e.event_type == "order.placed"]
    facts = receipts.facts_for_event(event)
    assert (
        facts.card_serial == ""
        and dict(facts.details)["reorder_from"] == (world.today + dt.timedelta(days=30)).isoformat()
    )
    text = Catalogue(lang)
    flat = compact(pdf_text(render_receipt(facts, lang=lang, office=OFFICE_CONTACT)))
    for phrase in (
        NAME,
        text("receipt.action.order.placed"),
        text("receipt.card_kind.reserve_loa3"),
        text("receipt.delivery.registered"),
        text("receipt.card_serial.pending"),
        text("receipt.next.order_reorder.due", due=placed.reorder_from.isoformat()),
        "08-123 456 78",  # whom to contact: the office
        text("notice.r14.contact"),
    ):
        assert compact(phrase) in flat, phrase

"""Activation and the card's order (R2): the order's photo for the clerk to compare the
person with, the comparison made in the journal, and the order activated at once, in
the activation's transaction."""

from __future__ import annotations

import pytest

from kiosk.domain.orders import CardKind
from kiosk.domain.types import ShipmentMethod
from kiosk.i18n import Catalogue
from kiosk.receipts.facts import event_details
from kiosk.receipts.render import detail_text
from kiosk.services.workflows.activation import ActivationService
from kiosk.services.workflows.common import Backend
from kiosk.services.workflows.orders import OrderRequest, OrderService
from protocol.event_types import validate
from store.orders import order_record, set_order_state
from tests.support.world import World
from tests.unit.workflows.test_activation import FailingJournal
from tests.unit.workflows.test_photo_comparison import portrait


def _ordered_and_shipped(world: World, serial: str, *, photo: bool = True) -> str:
    """An order placed at the counter (with a real portrait), produced as ``serial``
    and shipped."""
    request = OrderRequest(CardKind.ORDINARY, ShipmentMethod.A_POST, portrait() if photo else None)
    placed = OrderService(world.services).place(world.visit(), request)
    with world.store.unit_of_work() as tx:
        set_order_state(
            tx, placed.order.order_id, state="shipped", at=world.now, card_serial=serial
        )
    world.card(world.spec(serial))
    return placed.order.order_id


def _order_state(world: World, order_id: str) -> str:
    with world.store.unit_of_work() as tx:
        order = order_record(tx, order_id)
    assert order is not None
    return order.state


def test_r2_activation_activates_the_cards_order_at_once(world: World) -> None:
    order_id = _ordered_and_shipped(world, "S801")
    ActivationService(world.services).activate(world.visit(), "S801")
    assert world.state("S801") == "active"
    assert _order_state(world, order_id) == "activated"


def test_r2_the_order_stays_shipped_when_the_activation_event_fails(world: World) -> None:
    order_id = _ordered_and_shipped(world, "S802")
    journal = FailingJournal("kiosk-unit", world.store.keys, world.store.cipher, clock=world.clock)
    with pytest.raises(RuntimeError):
        ActivationService(Backend(world.store, journal, world.clock)).activate(
            world.visit(), "S802"
        )
    assert world.state("S802") == "shipped" and _order_state(world, order_id) == "shipped"


def test_r1_activation_shows_the_order_photo_and_records_the_comparison(world: World) -> None:
    _ordered_and_shipped(world, "S803")
    service = ActivationService(world.services)
    check = service.check(world.visit(), "S803")
    assert check.photo == portrait().jpeg and check.photo_compared == "order_photo"
    service.activate(world.visit(), "S803")
    [*_, (kind, payload, _, _)] = world.events()
    assert kind == "card.activated" and payload["photo_compared"] == "order_photo"
    validate(kind, payload)
    assert "jpeg" not in str(payload)


def test_r1_without_an_order_photo_the_document_only_is_compared(world: World) -> None:
    world.card(world.spec("S804"))  # an older card: no order on record
    service = ActivationService(world.services)
    check = service.check(world.visit(), "S804")
    assert check.photo is None and check.photo_compared == "document_only"
    service.activate(world.visit(), "S804")
    [*_, (kind, payload, _, _)] = world.events()
    assert kind == "card.activated" and payload["photo_compared"] == "document_only"
    validate(kind, payload)


@pytest.mark.parametrize(
    ("compared", "lang", "line"),
    [
        ("order_photo", "en", "Person compared with: the order's photo and the identity document"),
        ("document_only", "en", "Person compared with: the identity document only"),
        ("document_only", "sv", "Personen jämförd med: id-handlingen enbart"),
    ],
)
def test_r1_the_receipt_says_which_comparison_was_made(compared: str, lang: str, line: str) -> None:
    payload = {"serial": "S805", "photo_compared": compared}
    details = dict(event_details("card.activated", payload))
    assert details["photo_compared"] == compared
    assert detail_text(Catalogue(lang), "photo_compared", compared) == line
    assert "photo_compared" not in dict(event_details("card.activated", {"serial": "S805"}))

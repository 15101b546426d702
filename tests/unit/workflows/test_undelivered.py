"""Undelivered cards: A-post reorder (R3) and registered-post tracing (R4)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kiosk.domain.types import Role
from kiosk.errors import (
    NotRegisteredPostError,
    ReorderNeedsAPostError,
    ReorderTooEarlyError,
    ReplacedCardRefusedError,
)
from kiosk.services.workflows.activation import ActivationService
from kiosk.services.workflows.undelivered import UndeliveredService
from store.models import Card
from store.orders import holder_orders, order_record
from tests.support.world import HOLDER, OFFICE, World, operator


def service(world: World) -> UndeliveredService:
    return UndeliveredService(world.services, new_order_id=lambda: "NEW-1")


def test_r3_reorder_date_is_30_days_after_photo(world: World) -> None:
    photographed = world.today - dt.timedelta(days=18)
    world.card(world.spec("R1", photo_date=photographed))
    view = service(world).view("R1")
    reorder_from = photographed + dt.timedelta(days=30)  # 12 days from today
    assert view.reorder_from == reorder_from
    assert view.reorder is not None and not view.reorder.allowed
    assert view.notices[0].key == "notice.r3.reorder_from"
    with pytest.raises(ReorderTooEarlyError) as info:
        service(world).reorder(operator(), "R1")
    assert info.value.params["from_date"] == reorder_from.isoformat()
    assert world.state("R1") == "shipped" and world.events() == []


def test_r3_card_without_photo_counts_from_the_order(world: World) -> None:
    world.card(
        world.spec(
            "R2",
            with_photo=False,
            photo_date=None,
            photo_office_id=None,
            order_date=world.today - dt.timedelta(days=39),
        )
    )
    view = service(world).view("R2")
    assert view.reorder_from == world.today - dt.timedelta(days=9)  # the order + 30 days
    assert view.reorder is not None and view.reorder.allowed


def test_r3_reorder_keeps_photo_and_replaces_first_card(world: World) -> None:
    photographed = world.today - dt.timedelta(days=88)
    world.card(world.spec("R3", photo_date=photographed))
    done = service(world).reorder(operator(), "R3")
    assert done.new_order_id == "NEW-1"
    assert world.state("R3") == "replaced"
    with world.store.unit_of_work() as session:
        first = session.get(Card, "R3")
        new = order_record(session, "NEW-1")
        assert first is not None and new is not None
        assert first.blocked_reason == "replaced"
        assert new.state == "ordered" and new.photo_date == photographed
        assert new.photo_office_id == OFFICE and new.order_date == world.today
        assert new.replaces_serial == "R3" and new.card_serial is None
    assert [e[0] for e in world.events()] == ["card.reordered", "order.placed"]
    assert world.events()[0][1]["new_photo"] is False
    # the first card turns up: blocked, cut it up (R3)
    with pytest.raises(ReplacedCardRefusedError):
        ActivationService(world.services).activate(world.visit(), "R3")


def test_r3_reorder_refers_to_the_order_not_a_made_up_card_serial(world: World) -> None:
    """A reorder is an order: no card is on record before it is produced."""
    world.card(world.spec("R7", photo_date=world.today - dt.timedelta(days=60)))
    with world.store.unit_of_work() as session:
        before = set(session.execute(select(Card.serial)).scalars())
    UndeliveredService(world.services).reorder(operator(), "R7")
    with world.store.unit_of_work() as session:
        after = set(session.execute(select(Card.serial)).scalars())
        assert after == before  # no provisional ``ORDER-...`` card
        orders = holder_orders(session, HOLDER)
    assert [(o.replaces_serial, o.card_serial, o.state) for o in orders] == [
        ("R7", None, "ordered")
    ]


def test_r4_registered_post_is_traced_with_rek_id(world: World) -> None:
    world.card(world.spec("R4", shipment_method="registered", rek_id="RR123456789SE"))
    view = service(world).view("R4")
    assert view.rek_id == "RR123456789SE"
    keys = [n.key for n in view.notices]
    assert keys == ["notice.r4.rek_id", "notice.r4.trace_with_postnord"]
    assert view.notices[0].params["rek_id"] == "RR123456789SE"
    with pytest.raises(ReorderNeedsAPostError):
        service(world).reorder(operator(Role.ID_ADMIN), "R4")


def test_r4_registered_post_without_rek_id_says_where_to_ask(world: World) -> None:
    world.card(world.spec("R5", shipment_method="registered"))
    assert service(world).view("R5").notices[0].key == "notice.r4.ask_for_rek_id"


def test_r4_a_post_cannot_be_traced(world: World) -> None:
    from kiosk.domain.undelivered import trace_notices
    from kiosk.services.workflows.common import card_facts

    world.card(world.spec("R6"))
    with world.store.unit_of_work() as session:
        row = session.get(Card, "R6")
        assert row is not None
        facts = card_facts(row)
    with pytest.raises(NotRegisteredPostError):
        trace_notices(facts)

"""The order visit's service: a card ordered for a holder at the counter (R1, R2, R3)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.domain.orders import (
    ActiveCardOfKindError,
    CardKind,
    OpenOrderOfKindError,
    PhotoNotJpegError,
    PhotoTooLargeError,
)
from kiosk.domain.types import ShipmentMethod
from kiosk.errors import IdentityCheckMissingError
from kiosk.services.workflows.orders import (
    NewHolder,
    OrderRequest,
    OrderService,
    photo_from_file,
    photo_from_jpeg,
)
from kiosk.services.workflows.undelivered import UndeliveredService
from protocol.event_types import validate
from store.errors import PhotoDigestMismatchError
from store.holders import holder_by_id
from store.models import Photo
from store.orders import (
    delete_photos_activated_before,
    holder_orders,
    photo_jpeg,
    put_photo,
    set_order_state,
)
from tests.support.photos import jpeg_bytes, order_photo
from tests.support.world import HOLDER, OFFICE, World, operator


def ordinary(photo: bool = True) -> OrderRequest:
    return OrderRequest(CardKind.ORDINARY, ShipmentMethod.A_POST, order_photo() if photo else None)


def test_r1_an_order_needs_the_identity_check(world: World) -> None:
    with pytest.raises(IdentityCheckMissingError):
        OrderService(world.services).place(world.visit(document=None), ordinary())
    with pytest.raises(IdentityCheckMissingError):  # a refused document does not do
        OrderService(world.services).place(world.visit(approved=False), ordinary())
    assert world.events() == []


def test_r2_order_with_photo_is_kept_with_its_photo_encrypted(world: World) -> None:
    placed = OrderService(world.services, new_id=lambda: "O-1").place(world.visit(), ordinary())
    order = placed.order
    assert (order.order_id, order.holder_id, order.state) == ("O-1", HOLDER, "ordered")
    assert order.photo_office_id == OFFICE and order.photo_date == world.today
    assert order.card_serial is None and order.photo_digest == order_photo().digest
    # R3: the holder may ask for a new card 30 days after the photo
    assert placed.reorder_from == world.today + dt.timedelta(days=30)
    [(kind, payload, _, who)] = world.events()
    assert kind == "order.placed" and who == operator().hsa_id
    validate(kind, payload)
    assert payload["photo_digest"] == order_photo().digest and "jpeg" not in str(payload)
    with world.store.unit_of_work() as tx:
        [row] = tx.execute(select(Photo)).scalars()
        assert jpeg_bytes() not in row.jpeg_enc  # encrypted at rest
        assert photo_jpeg(tx, world.store.cipher, order.photo_digest or "") == jpeg_bytes()
        assert [o.order_id for o in holder_orders(tx, HOLDER)] == ["O-1"]


def test_r3_order_without_photo_counts_from_the_order_date(world: World) -> None:
    placed = OrderService(world.services).place(world.visit(), ordinary(photo=False))
    assert placed.order.photo_digest is None and placed.order.photo_office_id is None
    assert placed.reorder_from == world.today + dt.timedelta(days=30)
    assert world.events()[0][1]["with_photo"] is False


def test_refused_for_a_holder_with_an_active_card_of_that_kind(world: World) -> None:
    world.add_card("ACT-1", state="active")
    with pytest.raises(ActiveCardOfKindError) as info:
        OrderService(world.services).place(world.visit(), ordinary())
    assert info.value.params == {"serial": "ACT-1"} and info.value.hint_key
    assert [r["reason"] for r in world.refusals()] == ["error.order.active_card_of_kind"]
    # a reserve card is another kind (R12)
    reserve = OrderRequest(CardKind.RESERVE_LOA3, ShipmentMethod.REGISTERED, None)
    assert OrderService(world.services).place(world.visit(), reserve).order.card_kind == (
        "reserve_loa3"
    )


def test_refused_twice_for_the_same_kind_on_order(world: World) -> None:
    OrderService(world.services).place(world.visit(), ordinary())
    with pytest.raises(OpenOrderOfKindError):
        OrderService(world.services).place(world.visit(), ordinary())


def test_order_registers_a_new_holder_with_a_samordningsnummer(world: World) -> None:
    visit = dataclasses.replace(world.visit(), holder=None)
    newcomer = NewHolder("19811278-9873", " Nils  Nykomling ", "Region Stockholm", "SE-H77")
    placed = OrderService(world.services).place(visit, ordinary(), new_holder=newcomer)
    with world.store.unit_of_work() as tx:
        holder = holder_by_id(tx, world.store.cipher, placed.order.holder_id)
    assert holder is not None and holder.personnummer == "198112789873"
    assert (holder.name, holder.hsa_id, holder.organisation) == (
        "Nils Nykomling",
        "SE-H77",
        "Region Stockholm",
    )
    payload = world.events()[0][1]
    validate("order.placed", payload)
    assert payload["holder_name"] == "Nils Nykomling" and payload["personnummer"] == "198112789873"
    # the same number again finds the holder: no second registration
    again = OrderService(world.services).place(
        visit, OrderRequest(CardKind.RESERVE_LOA2, ShipmentMethod.A_POST, None), new_holder=newcomer
    )
    assert again.order.holder_id == placed.order.holder_id
    assert "personnummer" not in world.events()[1][1]


def test_a_corrupt_or_huge_image_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PhotoNotJpegError):
        photo_from_jpeg(b"GIF89a" + b"\0" * 100)
    with pytest.raises(PhotoNotJpegError):
        photo_from_jpeg(jpeg_bytes()[:-2])  # cut off
    with pytest.raises(PhotoNotJpegError):
        photo_from_file(tmp_path / "missing.jpg")
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(b"\xff\xd8\xff" + b"\0" * (3 * 1024 * 1024))
    with pytest.raises(PhotoTooLargeError):
        photo_from_file(huge)
    good = tmp_path / "good.jpg"
    good.write_bytes(jpeg_bytes(7))
    assert photo_from_file(good).jpeg == jpeg_bytes(7)


def test_a_photo_whose_digest_does_not_match_is_refused(world: World) -> None:
    with world.store.unit_of_work() as tx, pytest.raises(PhotoDigestMismatchError):
        put_photo(tx, world.store.cipher, jpeg=jpeg_bytes(1), digest="00" * 32, at=world.now)


def test_r3_reorder_reuses_the_first_orders_photo(world: World) -> None:
    placed = OrderService(world.services).place(world.visit(), ordinary())
    with world.store.unit_of_work() as tx:  # produced and shipped, never arrived
        set_order_state(
            tx, placed.order.order_id, state="shipped", at=world.now, card_serial="SHIP-1"
        )
    world.card(world.spec("SHIP-1", photo_date=world.today - dt.timedelta(days=40)))
    done = UndeliveredService(world.services).reorder(operator(), "SHIP-1")
    with world.store.unit_of_work() as tx:
        orders = {o.order_id: o for o in holder_orders(tx, HOLDER)}
    new = orders[done.new_order_id]
    assert new.photo_digest == placed.order.photo_digest  # no new photo (R3)
    assert new.replaces_order_id == placed.order.order_id
    assert orders[placed.order.order_id].state == "replaced"


def test_photos_are_deleted_a_while_after_activation(world: World) -> None:
    placed = OrderService(world.services).place(world.visit(), ordinary())
    with world.store.unit_of_work() as tx:
        set_order_state(tx, placed.order.order_id, state="activated", at=world.now)
    with world.store.unit_of_work() as tx:
        assert delete_photos_activated_before(tx, world.now - dt.timedelta(days=30)) == 0
        assert delete_photos_activated_before(tx, world.now + dt.timedelta(seconds=1)) == 1
        assert photo_jpeg(tx, world.store.cipher, placed.order.photo_digest or "") is None


def test_r1_an_order_visit_checks_the_document_as_an_activation(world: World) -> None:
    from kiosk.domain.documents import check_document
    from kiosk.domain.types import DocumentKind, IdentityDocument, VisitPurpose
    from kiosk.errors import DomainError

    check_document(world.foreign_passport, world.today, VisitPurpose.ORDER)  # physical, valid
    digital = IdentityDocument(DocumentKind.DIGITAL_ID, "SWE", world.today + dt.timedelta(days=9))
    for refused in (digital, world.expired_passport):
        with pytest.raises(DomainError):
            check_document(refused, world.today, VisitPurpose.ORDER)

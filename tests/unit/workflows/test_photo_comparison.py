"""The photo the clerk compares the holder with (R1 at activation and in-person unlock):
the order's photo when it can be read; a stored photo that cannot be decrypted or decoded
is reported unreadable and the comparison recorded is ``document_only``; a photo that is
not the person (the clerk's "photo ✗") refuses the unlock exactly as it refuses activation."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from devices.camera.opencv import encode_jpeg
from kiosk.domain.orders import CardKind, OrderPhoto
from kiosk.domain.types import Role, ShipmentMethod
from kiosk.errors import IdentityCheckMissingError
from kiosk.services.workflows.activation import ActivationService
from kiosk.services.workflows.orders import OrderRequest, OrderService
from kiosk.services.workflows.photo_comparison import comparison_photo
from kiosk.services.workflows.puk import CachedPukSource
from kiosk.services.workflows.unlock import UnlockService
from protocol.event_types import validate
from store.models import Photo
from store.orders import set_order_state
from tests.support.photos import order_photo
from tests.support.portraits import scenes
from tests.support.world import HOLDER, NEW_PIN, World


def portrait() -> OrderPhoto:
    jpeg = encode_jpeg(scenes()["good"], quality=80)
    return OrderPhoto(jpeg, hashlib.sha256(jpeg).hexdigest())


def ordered(world: World, serial: str, photo: OrderPhoto | None, **spec: object) -> Any:
    """An order placed with ``photo``, produced as ``serial`` and shipped."""
    request = OrderRequest(CardKind.ORDINARY, ShipmentMethod.A_POST, photo)
    placed = OrderService(world.services).place(world.visit(), request)
    with world.store.unit_of_work() as tx:
        set_order_state(
            tx, placed.order.order_id, state="shipped", at=world.now, card_serial=serial
        )
    return world.card(world.spec(serial, **spec))


def corrupt_blob(world: World, digest: str) -> None:
    with world.store.unit_of_work() as tx:
        row = tx.get(Photo, digest)
        assert row is not None
        row.jpeg_enc = row.jpeg_enc[:-1] + bytes([row.jpeg_enc[-1] ^ 1])


def unlock_service(world: World) -> UnlockService:
    return UnlockService(
        world.services, card_opener=world.opener(), puk_source=CachedPukSource(world.store)
    )


def test_r1_a_readable_order_photo_is_compared(world: World) -> None:
    ordered(world, "C901", portrait())
    with world.store.unit_of_work() as tx:
        photo = comparison_photo(tx, world.store.cipher, "C901", HOLDER)
    assert photo.jpeg == portrait().jpeg and not photo.unreadable
    assert photo.compared == "order_photo"


def test_r1_a_stored_photo_that_cannot_be_decoded_is_document_only(world: World) -> None:
    ordered(world, "C902", order_photo(9))  # JPEG markers around noise: no picture
    check = ActivationService(world.services).check(world.visit(), "C902")
    assert check.photo is None and check.photo_unreadable
    assert check.photo_compared == "document_only"
    ActivationService(world.services).activate(world.visit(), "C902")
    [*_, (kind, payload, _, _)] = world.events()
    assert kind == "card.activated" and payload["photo_compared"] == "document_only"


def test_r1_a_stored_photo_that_cannot_be_decrypted_is_document_only(world: World) -> None:
    ordered(world, "C903", portrait())
    corrupt_blob(world, portrait().digest)
    check = ActivationService(world.services).check(world.visit(), "C903")
    assert check.photo is None and check.photo_unreadable
    assert check.photo_compared == "document_only"


def _locked_7xx(world: World, serial: str, photo: OrderPhoto | None) -> None:
    made = ordered(world, serial, photo, state="active", product_number="701")
    world.lock(made)
    world.insert(made)


@pytest.mark.parametrize(
    ("photo", "corrupt", "compared"),
    [
        ("portrait", False, "order_photo"),
        ("none", False, "document_only"),
        ("portrait", True, "document_only"),
    ],
)
def test_r1_in_person_unlock_records_the_comparison_made(
    world: World, photo: str, corrupt: bool, compared: str
) -> None:
    _locked_7xx(world, "C904", portrait() if photo == "portrait" else None)
    if corrupt:
        corrupt_blob(world, portrait().digest)
    service = unlock_service(world)
    plan = service.plan(world.visit(Role.ID_ADMIN), "C904")
    assert plan.refusal is None and plan.photo_compared == compared
    assert plan.photo_unreadable is corrupt
    service.unlock_in_person(world.visit(Role.ID_ADMIN), "C904", NEW_PIN, NEW_PIN)
    [*_, (kind, payload, _, _)] = world.events()
    assert kind == "card.unlocked_in_person" and payload["photo_compared"] == compared
    validate(kind, payload)


def test_r1_a_photo_mismatch_refuses_unlock_as_it_refuses_activation(world: World) -> None:
    """The clerk said the photo is not the person: no identity, both workflows refuse."""
    mismatch = world.visit(Role.ID_ADMIN)
    mismatch.likeness_confirmed = False
    mismatch.reason_given = True  # a reason never overrides a photo mismatch
    ordered(world, "C906", portrait())  # shipped: a card to activate
    activation = ActivationService(world.services).check(mismatch, "C906")
    assert isinstance(activation.decision.refusal, IdentityCheckMissingError)
    locked = world.card(world.spec("C905", state="active", product_number="701"))
    world.lock(locked)
    world.insert(locked)
    plan = unlock_service(world).plan(mismatch, "C905")
    assert isinstance(plan.refusal, IdentityCheckMissingError)
    with pytest.raises(IdentityCheckMissingError):
        unlock_service(world).unlock_in_person(mismatch, "C905", NEW_PIN, NEW_PIN)
    assert not [kind for kind, *_ in world.events() if kind.startswith("card.unlocked")]

"""The activation screen with the order's photo beside the holder (the clerk compares the
person with it; Shift+F6, arriving as F18, enlarges it as at in-person unlock), or, without
one, the word to compare with the identity document only. Snapshots at 80×24 in Swedish and
English, with and without a photo."""

from __future__ import annotations

from typing import Any

import pytest

from devices.camera.opencv import encode_jpeg
from kiosk.domain.orders import CardKind
from kiosk.domain.types import ShipmentMethod
from kiosk.i18n import Catalogue
from kiosk.services.workflows.activation import ActivationService
from kiosk.services.workflows.orders import OrderRequest, OrderService, photo_from_jpeg
from screens.key_bar import KeyBar
from screens.photo_view import PhotoView
from screens.workflows.activation import ActivationScreen
from screens.workflows.photo_compare import PhotoZoomDialog
from store.orders import set_order_state
from tests.support.portraits import scenes
from tests.support.ui_workflows import Host, settle
from tests.support.world import World
from tests.ui.helpers import plain, text_of, type_text

SIZE = (80, 24)

pytestmark = pytest.mark.filterwarnings("ignore:Image.Image.getdata:DeprecationWarning")


def _portrait() -> bytes:
    return encode_jpeg(scenes()["good"], quality=80)


def _ordered_card(world: World, serial: str) -> None:
    """A card produced from an order placed with a photo, shipped to the holder."""
    photo = photo_from_jpeg(_portrait())
    request = OrderRequest(CardKind.ORDINARY, ShipmentMethod.A_POST, photo)
    placed = OrderService(world.services).place(world.visit(), request)
    with world.store.unit_of_work() as tx:
        set_order_state(
            tx, placed.order.order_id, state="shipped", at=world.now, card_serial=serial
        )
    world.card(world.spec(serial))


def _host(world: World, lang: str = "en") -> Host:
    service = ActivationService(world.services)
    return Host(lambda: ActivationScreen(Catalogue(lang), service, world.visit()))


async def _check(pilot: Any, serial: str) -> None:
    await settle(pilot)
    await type_text(pilot, serial)
    await pilot.press("enter")
    await settle(pilot)


async def test_r1_activation_shows_the_order_photo_beside_the_holder(world: World) -> None:
    _ordered_card(world, "P1")
    app = _host(world)
    async with app.run_test(size=SIZE) as pilot:
        await _check(pilot, "P1")
        view = app.screen.query_one("#activation-photo", PhotoView)
        assert view.display and view.jpeg == _portrait()
        assert "Compare the person with the photo from the order" in text_of(app, "#photo-compare")


async def test_r1_without_an_order_photo_the_document_only_is_compared(world: World) -> None:
    world.card(world.spec("P2"))  # an older card: no order on record
    app = _host(world)
    async with app.run_test(size=SIZE) as pilot:
        await _check(pilot, "P2")
        assert not app.screen.query_one("#activation-photo", PhotoView).display
        assert "identity document only" in text_of(app, "#photo-compare")


def _footer(app: Any) -> str:
    return plain(app.screen.query_one(KeyBar).render())


@pytest.mark.parametrize("key", ["shift+f6", "f18"])
async def test_r1_activation_enlarges_the_order_photo_on_the_unlock_key(
    world: World, key: str
) -> None:
    _ordered_card(world, "P4")
    app = _host(world)
    async with app.run_test(size=SIZE) as pilot:
        await _check(pilot, "P4")
        assert f"⇧f6 {Catalogue('en')('ui.key.photo_enlarge')}" in _footer(app)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, PhotoZoomDialog)
        assert app.screen.query_one("#zoom-photo", PhotoView).jpeg == _portrait()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ActivationScreen)


async def test_r1_activation_without_a_photo_offers_nothing_to_enlarge(world: World) -> None:
    world.card(world.spec("P5"))
    app = _host(world)
    async with app.run_test(size=SIZE) as pilot:
        await _check(pilot, "P5")
        assert "⇧f6" not in _footer(app)
        await pilot.press("f18")
        await settle(pilot)
        assert isinstance(app.screen, ActivationScreen)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("photo", ["with_photo", "document_only"])
def test_snapshot_activation_screen_photo(
    snap_compare: Any, world: World, photo: str, lang: str
) -> None:
    if photo == "with_photo":
        _ordered_card(world, "P3")
    else:
        world.card(world.spec("P3"))

    async def check(pilot: Any) -> None:
        await _check(pilot, "P3")

    assert snap_compare(_host(world, lang), terminal_size=SIZE, run_before=check)

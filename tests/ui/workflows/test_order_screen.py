"""Pilot tests and snapshots (80×24, Swedish and English) of the order visit's screen."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from textual.reactive import reactive
from textual.widgets import Checkbox, Input

from devices.camera.opencv import open_camera
from devices.virtual.camera import write_camera_folder
from kiosk.i18n import Catalogue
from kiosk.services.context import ServiceHolder, UiContext
from kiosk.services.photo import PhotoService
from kiosk.services.status import StatusSnapshot
from kiosk.services.workflows.orders import OrderService
from screens.photo_capture import PhotoCaptureScreen
from screens.workflows.order import OrderScreen
from store.orders import holder_orders, photo_jpeg
from tests.support.portraits import scenes
from tests.support.ui_workflows import Host, message, settle
from tests.support.world import HOLDER, World
from tests.ui.helpers import text_of, type_text

EN = Catalogue("en")
SIZE = (80, 24)


def order_host(world: World, *, lang: str = "en", registering: bool = False) -> Host:
    visit = world.visit()
    if registering:
        visit = dataclasses.replace(visit, holder=None)
    service = OrderService(world.services)
    return Host(lambda: OrderScreen(Catalogue(lang), service, visit))


async def _type_into(pilot: Any, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).focus()
    await type_text(pilot, text)


class CounterHost(Host):
    """The host with the status the capture screen's status bar watches."""

    status: reactive[StatusSnapshot] = reactive(StatusSnapshot(office=""), init=False)


def capture_host(world: World, camera: Path, *, lang: str = "en") -> CounterHost:
    """The order screen whose Shift+F5 opens the real capture screen on the virtual camera."""
    catalogue = Catalogue(lang)
    ctx = UiContext(catalogue, ServiceHolder(), "KK-TEST", world.clock)
    photos = PhotoService(lambda: open_camera(str(camera)))
    service = OrderService(world.services)
    visit = world.visit()

    def capture() -> PhotoCaptureScreen:
        return PhotoCaptureScreen(ctx, photos, preview_interval=None)

    return CounterHost(lambda: OrderScreen(catalogue, service, visit, photo_capture=capture))


def _camera(tmp_path: Path, names: list[str]) -> Path:
    return write_camera_folder([scenes()[n] for n in names], tmp_path / "camera")


@pytest.mark.filterwarnings("ignore:Image.Image.getdata:DeprecationWarning")
async def test_r2_order_with_a_photo_taken_at_the_counter_keeps_that_photo(
    world: World, tmp_path: Path
) -> None:
    app = capture_host(world, _camera(tmp_path, ["good"]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f17")
        await settle(pilot)
        assert isinstance(app.screen, PhotoCaptureScreen)
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("enter")  # the accepted photo goes back to the order
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen)
        accepted = app.screen.photo
        assert accepted is not None
        assert "Photo taken" in text_of(app, "#photo-state")
        await pilot.press("ctrl+s")
        await settle(pilot)
        reorder_from = (world.today + dt.timedelta(days=30)).isoformat()  # R3
        assert "Ordered: Ordinary card, A-post" in message(app)
        assert reorder_from in message(app)
    with world.store.unit_of_work() as tx:
        [order] = holder_orders(tx, HOLDER)
        assert order.photo_digest == accepted.digest
        stored = photo_jpeg(tx, world.store.cipher, accepted.digest)
    assert stored == accepted.jpeg and order.state == "ordered"
    assert hashlib.sha256(accepted.jpeg).hexdigest() == order.photo_digest


@pytest.mark.filterwarnings("ignore:Image.Image.getdata:DeprecationWarning")
async def test_leaving_the_capture_screen_keeps_the_order_without_a_photo(
    world: World, tmp_path: Path
) -> None:
    app = capture_host(world, _camera(tmp_path, ["good"]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f17")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen) and app.screen.photo is None
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Take the photo (Shift+F5), or tick Order without photo" in message(app)
    with world.store.unit_of_work() as tx:
        assert holder_orders(tx, HOLDER) == []


async def test_without_a_camera_the_photo_key_says_to_order_without_photo(
    world: World,
) -> None:
    app = order_host(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("f17")
        await settle(pilot)
        assert "No camera at this counter" in message(app)


async def test_order_needs_a_photo_or_the_no_photo_box(world: World) -> None:
    app = order_host(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "tick Order without photo" in message(app)
        app.screen.query_one("#no-photo", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Ordered" in message(app)


async def test_an_active_card_of_the_kind_refuses_the_order(world: World) -> None:
    world.add_card("ACT-9", state="active")
    app = order_host(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        app.screen.query_one("#no-photo", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "already has an active card of this kind (ACT-9)" in message(app)
        assert "block it first" in message(app)


async def test_a_holder_not_on_record_is_registered_with_the_order(world: World) -> None:
    app = order_host(world, registering=True)
    async with app.run_test() as pilot:
        await settle(pilot)
        await _type_into(pilot, "#identity-number", "19811278-9873")
        await _type_into(pilot, "#name", "Nils Nykomling")
        app.screen.query_one("#no-photo", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Ordered" in message(app)
    [(kind, payload, _, _)] = world.events()
    assert kind == "order.placed" and payload["holder_name"] == "Nils Nykomling"


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("form", ["found", "register"])
def test_snapshot_order_screen(snap_compare: Any, world: World, form: str, lang: str) -> None:
    app = order_host(world, lang=lang, registering=form == "register")
    assert snap_compare(app, terminal_size=SIZE)

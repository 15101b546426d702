"""Pilot tests and snapshots (80×24, Swedish and English) of the order visit's screen."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Input

from kiosk.i18n import Catalogue
from kiosk.services.workflows.orders import OrderService
from screens.workflows.order import OrderScreen
from store.orders import holder_orders
from tests.support.photos import jpeg_bytes
from tests.support.ui_workflows import Host, message, settle
from tests.support.world import HOLDER, World
from tests.ui.helpers import type_text

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


async def test_r2_order_with_a_photo_file_is_placed(world: World, tmp_path: Path) -> None:
    photo = tmp_path / "holder.jpg"
    photo.write_bytes(jpeg_bytes(9))
    app = order_host(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        await _type_into(pilot, "#photo", str(photo))
        await pilot.press("ctrl+s")
        await settle(pilot)
        reorder_from = (world.today + dt.timedelta(days=30)).isoformat()  # R3
        assert "Ordered: Ordinary card, A-post" in message(app)
        assert reorder_from in message(app)
    with world.store.unit_of_work() as tx:
        [order] = holder_orders(tx, HOLDER)
    assert order.photo_digest is not None and order.state == "ordered"
    assert app.results == [] or app.results[-1].order.order_id == order.order_id


async def test_a_corrupt_photo_file_is_refused_and_says_what_to_do(
    world: World, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture at all" * 10)
    app = order_host(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        await _type_into(pilot, "#photo", str(broken))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "not a readable JPEG" in message(app) and "another file" in message(app)
    with world.store.unit_of_work() as tx:
        assert holder_orders(tx, HOLDER) == []


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

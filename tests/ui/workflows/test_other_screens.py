"""Pilot tests: PIN change (R8), blocking (R9), undelivered (R3, R4), name change (R10),
return (R11)."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Checkbox, Input, Select

from devices.virtual.factory import DEFAULT_PIN
from kiosk.domain.types import Role
from kiosk.i18n import Catalogue
from kiosk.services.workflows.blocking import BlockingService
from kiosk.services.workflows.name_change import NameChangeService
from kiosk.services.workflows.pin_change import PinChangeService
from kiosk.services.workflows.returns import ReturnService
from kiosk.services.workflows.undelivered import UndeliveredService
from screens.workflows.blocking import BlockScreen
from screens.workflows.deadlines import NameChangeScreen, ReturnScreen
from screens.workflows.pin_change import PinChangeScreen
from screens.workflows.undelivered import UndeliveredScreen
from store.orders import order_record
from tests.support.ui_workflows import Host, message, screen_text, settle
from tests.support.world import NEW_PIN, World, months_after, operator
from tests.ui.helpers import type_text

EN = Catalogue("en")

# --- PIN change ------------------------------------------------------------------------


def pin_host(world: World, serial: str) -> Host:
    service = PinChangeService(world.services, card_opener=world.opener())
    return Host(lambda: PinChangeScreen(EN, service, world.visit(), serial))


async def test_r8_pin_change_screen(world: World) -> None:
    made = world.card(world.spec("C1", state="active", product_number="511"))
    world.insert(made)
    app = pin_host(world, "C1")
    async with app.run_test() as pilot:
        assert all(field.password for field in app.screen.query(Input))
        await type_text(pilot, DEFAULT_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "is changed" in message(app)
        assert NEW_PIN not in screen_text(app) and DEFAULT_PIN not in screen_text(app)
    assert [e[0] for e in world.events()] == ["card.pin_changed"]


async def test_r8_pin_change_screen_wrong_current_pin(world: World) -> None:
    made = world.card(world.spec("C2", state="active", product_number="511"))
    world.insert(made)
    app = pin_host(world, "C2")
    async with app.run_test() as pilot:
        await type_text(pilot, "999999")
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "current PIN is wrong. 2 tries left" in message(app)


# --- blocking --------------------------------------------------------------------------


CALL_AGO = dt.timedelta(minutes=5)  # the phone call came in this long before the block


def call_came_in(world: World) -> dt.datetime:
    return world.now - CALL_AGO


def block_host(world: World, serial: str | None = None, role: Role = Role.CLERK) -> Host:
    return Host(
        lambda: BlockScreen(
            EN,
            BlockingService(world.services),
            operator(role),
            serial=serial,
            received_at=call_came_in(world),
        )
    )


async def choose_reason(app: Host, pilot: object, reason: str) -> None:
    app.screen.query_one("#reason", Select).value = reason
    await settle(pilot)


async def test_r9_block_screen_by_phone_7xx(world: World) -> None:
    world.card(world.spec("K1", state="active"))
    app = block_host(world)
    async with app.run_test() as pilot:
        await type_text(pilot, "K1")
        await pilot.press("enter")
        await settle(pilot)
        assert not app.screen.query_one("#telia", Checkbox).display
        await choose_reason(app, pilot, "lost")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "K1 is blocked" in message(app)
        await pilot.press("escape")
        await settle(pilot)
    assert world.state("K1") == "blocked" and app.results[0].serial == "K1"
    payload = world.events()[0][1]
    assert payload["card_present"] is False and payload["holder_present"] is False
    assert payload["received_at"] == call_came_in(world).isoformat()


async def test_r9_block_screen_5xx_needs_telia_confirmation(world: World) -> None:
    world.card(world.spec("K2", state="active", product_number="511"))
    app = block_host(world, "K2")
    async with app.run_test() as pilot:
        await settle(pilot)
        telia = app.screen.query_one("#telia", Checkbox)
        assert telia.display and "020-32 32 62" in screen_text(app)
        await choose_reason(app, pilot, "stolen")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Telia" in message(app) and "020-32 32 62" in message(app)
        assert world.state("K2") == "active"
        telia.focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "K2 is blocked" in message(app)
    assert world.state("K2") == "blocked"


async def test_r9_block_screen_sis_card_needs_police_report(world: World) -> None:
    world.card(world.spec("K3", state="active", sis_marked=True))
    app = block_host(world, "K3")
    async with app.run_test() as pilot:
        await settle(pilot)
        await choose_reason(app, pilot, "lost")
        police = app.screen.query_one("#police", Checkbox)
        assert police.display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "report the loss or theft to the police" in message(app)
        police.focus()
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert "K3 is blocked" in message(app)


async def test_r9_block_screen_needs_reason_and_refuses_blocked_card(world: World) -> None:
    world.card(world.spec("K4", state="blocked"))
    app = block_host(world, "K4")
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Choose a reason" in message(app)
        await choose_reason(app, pilot, "lost")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "The card is blocked" in message(app)


# --- undelivered -----------------------------------------------------------------------


def undelivered_host(world: World, serial: str) -> Host:
    service = UndeliveredService(world.services, new_order_id=lambda: "NEW-9")
    return Host(lambda: UndeliveredScreen(EN, service, operator(), serial))


async def test_r3_undelivered_screen_too_early_shows_date(world: World) -> None:
    photographed = world.today - dt.timedelta(days=18)
    reorder_from = (photographed + dt.timedelta(days=30)).isoformat()  # R3: 30 days on
    world.card(world.spec("N1", photo_date=photographed))
    app = undelivered_host(world, "N1")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert reorder_from in message(app)
        assert "A-post" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert reorder_from in message(app)
    assert world.state("N1") == "shipped"


async def test_r3_undelivered_screen_reorders_without_new_photo(world: World) -> None:
    world.card(world.spec("N2", photo_date=world.today - dt.timedelta(days=88)))
    app = undelivered_host(world, "N2")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "without a new photo" in message(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "NEW-9" in message(app) and "cut it up" in message(app)
    assert world.state("N2") == "replaced"
    with world.store.unit_of_work() as tx:  # the reorder is an order, no card yet (R3)
        order = order_record(tx, "NEW-9")
    assert order is not None and order.state == "ordered" and order.replaces_serial == "N2"


async def test_r4_undelivered_screen_registered_post_rek_id(world: World) -> None:
    world.card(world.spec("N3", shipment_method="registered", rek_id="RR987654321SE"))
    app = undelivered_host(world, "N3")
    async with app.run_test() as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "RR987654321SE" in text and "PostNord" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "registered post" in message(app)


# --- name change and return ------------------------------------------------------------


async def test_r10_name_change_screen(world: World) -> None:
    changed_on = world.today - dt.timedelta(days=27)
    world.card(world.spec("M1", state="active"))
    app = Host(lambda: NameChangeScreen(EN, NameChangeService(world.services), operator(), "M1"))
    async with app.run_test() as pilot:
        await type_text(pilot, "2026-13-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "YYYY-MM-DD" in message(app)
        app.screen.query_one("#date", Input).value = ""
        await type_text(pilot, changed_on.isoformat())
        await pilot.press("enter")
        await settle(pilot)
        assert f"blocked after {months_after(changed_on, 3)}" in message(app)


async def test_r10_name_change_records_the_documents_name_and_leads_to_the_order(
    world: World,
) -> None:
    world.card(world.spec("M3", state="active"))
    service = NameChangeService(world.services)
    app = Host(lambda: NameChangeScreen(EN, service, operator(), "M3", new_name="Eva Nyberg"))
    async with app.run_test() as pilot:
        assert "New name on the identity document: Eva Nyberg" in screen_text(app)
        await type_text(pilot, world.today.isoformat())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "order the new card with the name Eva Nyberg" in message(app)
    ((kind, payload, *_),) = world.events()
    assert kind == "card.name_change_recorded" and payload["new_name"] == "Eva Nyberg"


async def test_r10_name_change_without_a_checked_document_records_no_name(world: World) -> None:
    world.card(world.spec("M4", state="active"))
    app = Host(lambda: NameChangeScreen(EN, NameChangeService(world.services), operator(), "M4"))
    async with app.run_test() as pilot:
        assert "without a checked identity document" in screen_text(app)
        await type_text(pilot, world.today.isoformat())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "order the new card" not in message(app)
    ((_, payload, *_),) = world.events()
    assert "new_name" not in payload


async def test_r11_return_screen_keep_needs_reason_then_returns(world: World) -> None:
    ended_on = world.today - dt.timedelta(days=27)
    world.card(world.spec("M2", state="active"))
    app = Host(lambda: ReturnScreen(EN, ReturnService(world.services), operator(), "M2"))
    async with app.run_test() as pilot:
        await type_text(pilot, ended_on.isoformat())
        await pilot.press("shift+f2")  # record the end date only
        await settle(pilot)
        assert f"blocked after {months_after(ended_on, 3)}" in message(app)
        app.screen.query_one("#keep", Checkbox).focus()
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert "needs a reason" in message(app)
        app.screen.query_one("#reason", Input).focus()
        await type_text(pilot, "new assignment")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "keeps card M2" in message(app)
    assert world.state("M2") == "active"


async def test_r11_return_screen_card_handed_back(world: World) -> None:
    world.card(world.spec("M3", state="active"))
    app = Host(lambda: ReturnScreen(EN, ReturnService(world.services), operator(), "M3"))
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "M3 is handed back" in message(app)
    assert world.state("M3") == "returned"


async def test_r8_pin_change_screen_reads_the_card_in_the_reader(world: World) -> None:
    made = world.card(world.spec("C3", state="active", product_number="511"))
    world.insert(made)
    service = PinChangeService(world.services, card_opener=world.opener())
    app = Host(lambda: PinChangeScreen(EN, service, world.visit()))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "card C3" in screen_text(app)
        await type_text(pilot, DEFAULT_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "C3 is changed" in message(app)


async def test_r11_return_screen_serial_typed(world: World) -> None:
    world.card(world.spec("M4", state="active"))
    app = Host(lambda: ReturnScreen(EN, ReturnService(world.services), operator()))
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "serial first" in message(app)
        await type_text(pilot, "M4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "M4 is handed back" in message(app)
    assert world.state("M4") == "returned"

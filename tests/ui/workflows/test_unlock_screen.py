from __future__ import annotations

import contextlib

from textual.widgets import Input

from devices.card.errors import PinError, PinLockedError, WrongPinError
from devices.card.piv import PivSession
from devices.virtual.card import InProcessConnection
from kiosk.domain.pin import PUK_TRIES
from kiosk.domain.types import Role
from kiosk.i18n import Catalogue
from kiosk.services.workflows.blocking import BlockingService
from kiosk.services.workflows.puk import CachedPukSource
from kiosk.services.workflows.unlock import UnlockService
from screens.workflows.unlock import UnlockScreen
from tests.support.ui_workflows import Host, message, screen_text, settle
from tests.support.world import NEW_PIN, World
from tests.ui.helpers import type_text


def host(world: World, serial: str, role: Role = Role.ID_ADMIN, **kw: object) -> Host:
    service = UnlockService(
        world.services,
        card_opener=world.opener(),
        puk_source=CachedPukSource(world.store),
    )
    return Host(
        lambda: UnlockScreen(
            Catalogue("en"),
            service,
            world.visit(role, **kw),  # type: ignore[arg-type]
            serial,
            blocking=BlockingService(world.services),
        )
    )


def locked(world: World, serial: str, product_number: str | None) -> object:
    made = world.card(world.spec(serial, state="active", product_number=product_number))
    world.lock(made)
    world.insert(made)
    return made


def pin_works(made: object, pin: str) -> bool:
    try:
        PivSession(InProcessConnection(made.card)).verify_pin(pin)  # type: ignore[attr-defined]
    except (WrongPinError, PinLockedError):  # the card refused the PIN; anything else is a failure
        return False
    return True


async def test_r7_unlock_screen_7xx_in_person(world: World) -> None:
    made = locked(world, "L701", "701")
    app = host(world, "L701")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#puk", Input).display  # the PUK comes from the cache
        assert app.screen.query_one("#new-pin", Input).password
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        assert all(field.password for field in app.screen.query(Input))
        await pilot.press("enter")
        await settle(pilot)
        assert "unlocked and the new PIN works" in message(app)
        assert NEW_PIN not in screen_text(app)  # fields cleared, nothing echoed
        assert made.puk not in screen_text(app)  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
    assert pin_works(made, NEW_PIN)
    assert app.results[0].serial == "L701"


async def test_r7_unlock_screen_clerk_refused_for_7xx(world: World) -> None:
    made = locked(world, "L702", "701")
    app = host(world, "L702", Role.CLERK)
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "may not unlock cards in person" in message(app)
    assert made.card.pin_tries_left == 0  # type: ignore[attr-defined]


async def test_r1_unlock_screen_needs_swedish_document(world: World) -> None:
    locked(world, "L703", "701")
    app = host(world, "L703", document=world.foreign_passport)
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "Swedish identity document" in message(app)


async def test_r7_unlock_screen_5xx_code_letter(world: World) -> None:
    made = locked(world, "L501", "511")
    app = host(world, "L501", Role.CLERK)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.screen.query_one("#puk", Input).display
        assert "code letter" in screen_text(app)
        await type_text(pilot, made.puk)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "unlocked" in message(app)
    assert pin_works(made, NEW_PIN)


async def test_r7_unlock_screen_wrong_puk_shows_tries(world: World) -> None:
    locked(world, "L502", "511")
    app = host(world, "L502", Role.CLERK)
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_text(pilot, "00000000")
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert f"{PUK_TRIES - 1} tries left" in message(app)
        assert app.screen.query_one("#puk", Input).value == ""


async def test_r8_unlock_screen_new_pin_must_match(world: World) -> None:
    locked(world, "L503", "511")
    app = host(world, "L503", Role.CLERK)
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_text(pilot, "12345678")
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await type_text(pilot, "271829")
        await pilot.press("enter")
        await settle(pilot)
        assert "two entries of the new PIN differ" in message(app)


async def test_r7_unlock_screen_puk_blocked_offers_block_and_replacement(world: World) -> None:
    made = locked(world, "L504", "511")
    session = PivSession(InProcessConnection(made.card))  # type: ignore[attr-defined]
    for _ in range(PUK_TRIES):
        with contextlib.suppress(PinError):  # wrong PUK, then blocked: nothing else
            session.unblock_with_puk("00000000", NEW_PIN)
    app = host(world, "L504", Role.CLERK)
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_text(pilot, "00000000")
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "cannot be saved" in message(app)
        assert "Ctrl+B blocks the card" in message(app)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert "replacement card is ordered" in message(app)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "BlockScreen"
    assert world.state("L504") == "puk_blocked"
    assert [e[0] for e in world.events()] == ["card.puk_blocked", "order.replacement_card"]


async def test_r7_unlock_screen_orders_code_letter(world: World) -> None:
    world.card(world.spec("L505", state="active", product_number="511"))
    app = host(world, "L505", Role.ID_ADMIN)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert "new code letter is ordered" in message(app)
    assert [e[0] for e in world.events()] == ["order.code_letter"]


async def test_r7_unlock_screen_orders_puk_letter_for_7xx(world: World) -> None:
    world.card(world.spec("L705", state="active", product_number="701"))
    app = host(world, "L705", Role.ID_ADMIN)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert "PUK code is ordered" in message(app)
    assert [e[0] for e in world.events()] == ["order.puk_letter"]


async def test_r7_unlock_screen_reads_the_card_in_the_reader(world: World) -> None:
    made = locked(world, "L506", "511")
    service = UnlockService(
        world.services, card_opener=world.opener(), puk_source=CachedPukSource(world.store)
    )
    app = Host(lambda: UnlockScreen(Catalogue("sv"), service, world.visit(Role.CLERK)))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "Lås upp kort L506" in screen_text(app)
        await type_text(pilot, made.puk)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "L506 är upplåst" in message(app)
    assert pin_works(made, NEW_PIN)


async def test_unlock_screen_empty_reader_says_so(world: World) -> None:
    service = UnlockService(
        world.services, card_opener=world.opener(), puk_source=CachedPukSource(world.store)
    )
    app = Host(lambda: UnlockScreen(Catalogue("en"), service, world.visit(Role.CLERK)))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "no card in the reader" in message(app)


async def test_unlock_screen_says_at_once_that_the_card_left_the_customer_reader(
    world: World,
) -> None:
    from kiosk.services.ports import ReaderEvent, ReaderRole
    from screens.messages import ReaderChanged

    locked(world, "L702", "701")
    app = host(world, "L702")
    en = Catalogue("en")
    async with app.run_test() as pilot:
        await settle(pilot)
        world.inserted.clear()  # the holder pulls the card before anything is typed
        gone = ReaderEvent(ReaderRole.CUSTOMER, card_present=False, reader_name="Virtual PCD 00 01")
        app.screen.post_message(ReaderChanged(gone))  # as the app hands it on
        await settle(pilot)
        assert en("ui.card.left_customer_reader") in message(app)  # without Ctrl+S
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await type_text(pilot, NEW_PIN)
        await pilot.press("enter")
        await settle(pilot)
        shown = message(app)
        assert "customer reader" in shown and "Virtual PCD" not in shown
        assert NEW_PIN not in screen_text(app)

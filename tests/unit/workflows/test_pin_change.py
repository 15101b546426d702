"""PIN change with the current PIN (R8); three wrong PINs lock the card (R6)."""

from __future__ import annotations

import pytest

from devices.card.piv import PivSession
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import DEFAULT_PIN
from kiosk.errors import (
    CardIsLockedError,
    CurrentPinMissingError,
    PinRepeatMismatchError,
    PinSameAsCurrentError,
)
from kiosk.services.workflows.errors import PinNowLockedError, WrongCurrentPinError
from kiosk.services.workflows.pin_change import PinChangeService
from tests.support.world import NEW_PIN, World


def setup(world: World, serial: str, state: str = "active") -> tuple[PinChangeService, object]:
    made = world.card(world.spec(serial, state=state, product_number="511"))
    world.insert(made)
    return PinChangeService(world.services, card_opener=world.opener()), made


def test_r8_change_pin_with_current_pin(world: World) -> None:
    service, made = setup(world, "P1")
    service.change_pin(world.visit(), "P1", DEFAULT_PIN, NEW_PIN, NEW_PIN)
    PivSession(InProcessConnection(made.card)).verify_pin(NEW_PIN)  # type: ignore[attr-defined]
    assert [e[0] for e in world.events()] == ["card.pin_changed"]
    assert NEW_PIN not in repr(world.events())


def test_r8_wrong_current_pin_shows_tries_left(world: World) -> None:
    service, _ = setup(world, "P2")
    with pytest.raises(WrongCurrentPinError) as info:
        service.change_pin(world.visit(), "P2", "999999", NEW_PIN, NEW_PIN)
    assert info.value.params == {"tries_left": 2}
    assert world.events() == []


def test_r6_three_wrong_current_pins_lock_the_card(world: World) -> None:
    service, made = setup(world, "P3")
    for _ in range(2):
        with pytest.raises(WrongCurrentPinError):
            service.change_pin(world.visit(), "P3", "999999", NEW_PIN, NEW_PIN)
    with pytest.raises(PinNowLockedError):
        service.change_pin(world.visit(), "P3", "999999", NEW_PIN, NEW_PIN)
    assert made.card.pin_tries_left == 0  # type: ignore[attr-defined]
    assert world.state("P3") == "locked"
    assert [e[0] for e in world.events()] == ["card.pin_locked"]


def test_r8_new_pin_policy_before_the_card(world: World) -> None:
    service, made = setup(world, "P4")
    with pytest.raises(PinRepeatMismatchError):
        service.change_pin(world.visit(), "P4", DEFAULT_PIN, NEW_PIN, "271829")
    with pytest.raises(PinSameAsCurrentError):
        service.change_pin(world.visit(), "P4", "271828", "271828", "271828")
    with pytest.raises(CurrentPinMissingError):
        service.change_pin(world.visit(), "P4", "", NEW_PIN, NEW_PIN)
    assert made.card.pin_tries_left == 3  # type: ignore[attr-defined]


def test_r8_locked_card_cannot_change_pin(world: World) -> None:
    service, _ = setup(world, "P5", state="locked")
    with pytest.raises(CardIsLockedError):
        service.change_pin(world.visit(), "P5", DEFAULT_PIN, NEW_PIN, NEW_PIN)

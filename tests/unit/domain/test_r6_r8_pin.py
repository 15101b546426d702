"""R6 (three wrong PINs lock the card) and R8 (PIN change with the current PIN)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.pin import (
    PIN_TRIES,
    PUK_TRIES,
    after_wrong_pin,
    after_wrong_puk,
    check_new_pin,
    check_pin_change,
)
from kiosk.domain.types import CardState
from kiosk.errors import (
    CardIsLockedError,
    CurrentPinMissingError,
    IllegalTransitionError,
    PinNotDigitsError,
    PinPolicyError,
    PinRepeatMismatchError,
    PinSameAsCurrentError,
    PinTooSimpleError,
    PinWrongLengthError,
)


def test_r6_three_wrong_pins_lock_the_card() -> None:
    assert PIN_TRIES == 3
    assert after_wrong_pin(CardState.ACTIVE, 1) is CardState.ACTIVE
    assert after_wrong_pin(CardState.ACTIVE, 2) is CardState.ACTIVE
    assert after_wrong_pin(CardState.ACTIVE, 3) is CardState.LOCKED


def test_r6_puk_tries_used_up_block_the_puk() -> None:
    assert PUK_TRIES == 10
    assert after_wrong_puk(CardState.LOCKED, 9) is CardState.LOCKED
    assert after_wrong_puk(CardState.LOCKED, 10) is CardState.PUK_BLOCKED


def test_r6_a_blocked_card_is_not_locked_again() -> None:
    with pytest.raises(IllegalTransitionError):
        after_wrong_pin(CardState.BLOCKED, 3)


@pytest.mark.parametrize("pin", ["135790", "9024681", "24681357"])
def test_r8_policy_accepts_6_to_8_digits(pin: str) -> None:
    check_new_pin(pin, pin)


@pytest.mark.parametrize(
    ("pin", "error"),
    [
        ("12345", PinWrongLengthError),
        ("135792468", PinWrongLengthError),
        ("", PinNotDigitsError),
        ("13579a", PinNotDigitsError),
        ("١٣٥٧٩٠", PinNotDigitsError),  # non-ASCII digits
        ("000000", PinTooSimpleError),
        ("77777777", PinTooSimpleError),
        ("123456", PinTooSimpleError),
        ("87654321", PinTooSimpleError),
    ],
)
def test_r8_policy_refuses(pin: str, error: type[PinPolicyError]) -> None:
    with pytest.raises(error):
        check_new_pin(pin, pin)


def test_r8_new_pin_typed_twice_must_match() -> None:
    with pytest.raises(PinRepeatMismatchError):
        check_new_pin("135790", "135791")


def test_r8_pin_change_needs_the_current_pin() -> None:
    with pytest.raises(CurrentPinMissingError):
        check_pin_change(CardState.ACTIVE, "", "135790", "135790")
    with pytest.raises(PinSameAsCurrentError):
        check_pin_change(CardState.ACTIVE, "135790", "135790", "135790")
    check_pin_change(CardState.ACTIVE, "246813", "135790", "135790")


def test_r8_locked_card_is_unlocked_before_a_pin_change() -> None:
    with pytest.raises(CardIsLockedError) as caught:
        check_pin_change(CardState.LOCKED, "246813", "135790", "135790")
    assert caught.value.params["action"] == "change_pin"


@given(st.text(alphabet="0123456789", min_size=6, max_size=8))
def test_r8_pin_never_appears_in_the_error(pin: str) -> None:
    try:
        check_new_pin(pin, pin + "0")
    except PinPolicyError as error:
        assert pin not in str(error)
        assert pin not in repr(error)
        assert all(pin not in str(v) for v in error.params.values())

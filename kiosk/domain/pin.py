"""R6 (PIN lock) and R8 (PIN change policy). PINs pass through; they are never kept,
put into an error, a param or a repr."""

from __future__ import annotations

from itertools import pairwise

from kiosk.domain.lifecycle import Transition, refused_in_state, transition
from kiosk.domain.types import CardState
from kiosk.errors import (
    CurrentPinMissingError,
    InitialCodeMissingError,
    PinNotDigitsError,
    PinRepeatMismatchError,
    PinSameAsCurrentError,
    PinTooSimpleError,
    PinWrongLengthError,
)

#: R6: three wrong PINs in a row lock the card.
PIN_TRIES = 3
#: Wrong PUKs in a row after which the PUK is blocked and the card cannot be saved.
PUK_TRIES = 10

#: SITHS cards take a PIN of 6 to 8 digits.
PIN_MIN_LENGTH = 6
PIN_MAX_LENGTH = 8

CHANGE_PIN_WORDS = ("byta kortets PIN-kod", "change the card's PIN")


def after_wrong_pin(state: CardState, wrong_in_row: int) -> CardState:
    """R6: the card's state after a wrong PIN, ``wrong_in_row`` counting this one."""
    if wrong_in_row >= PIN_TRIES:
        return transition(state, Transition.PIN_LOCK)
    return state


def after_wrong_puk(state: CardState, wrong_in_row: int) -> CardState:
    """The state of a locked card after a wrong PUK, ``wrong_in_row`` counting this one."""
    if wrong_in_row >= PUK_TRIES:
        return transition(state, Transition.PUK_BLOCK)
    return state


def _is_straight_run(pin: str) -> bool:
    steps = {int(b) - int(a) for a, b in pairwise(pin)}
    return steps in ({1}, {-1})


def check_new_pin(new_pin: str, repeated: str) -> None:
    """R8 PIN policy, in this order:

    1. digits only (ASCII 0-9); 2. 6 to 8 digits; 3. not one digit repeated (000000) and
    not a straight run up or down (123456, 876543); 4. typed twice the same.
    """
    if not (new_pin.isascii() and new_pin.isdigit()):
        raise PinNotDigitsError()
    if not PIN_MIN_LENGTH <= len(new_pin) <= PIN_MAX_LENGTH:
        raise PinWrongLengthError(min_len=PIN_MIN_LENGTH, max_len=PIN_MAX_LENGTH)
    if len(set(new_pin)) == 1 or _is_straight_run(new_pin):
        raise PinTooSimpleError()
    if new_pin != repeated:
        raise PinRepeatMismatchError()


def check_pin_change_allowed(state: CardState) -> None:
    """R8: only an active card's PIN is changed (said before anyone types a PIN)."""
    if state is not CardState.ACTIVE:
        raise refused_in_state(state, "change_pin", CHANGE_PIN_WORDS)


def check_pin_change(state: CardState, current_pin: str, new_pin: str, repeated: str) -> None:
    """R8: an active card's PIN is changed with the current PIN and a new one typed twice.

    Whether ``current_pin`` is right is for the card to say; this checks that it was given,
    that the card is active, and the new PIN's policy (``check_new_pin``), and that the
    new PIN differs from the current one.
    """
    check_pin_change_allowed(state)
    if not current_pin:
        raise CurrentPinMissingError()
    check_new_pin(new_pin, repeated)
    if new_pin == current_pin:
        raise PinSameAsCurrentError()


def check_holder_chosen_code(initial_code: str, new_code: str, repeated: str) -> None:
    """The code a holder chooses at activation, set from the card's initial code (the
    PIN letter's): the initial code given, the new code under the PIN policy
    (``check_new_pin``) and not the initial code. Whether the initial code is right is
    for the card to say."""
    if not initial_code:
        raise InitialCodeMissingError()
    check_new_pin(new_code, repeated)
    if new_code == initial_code:
        raise PinSameAsCurrentError()

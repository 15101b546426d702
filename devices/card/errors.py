# ruff: noqa: N818  (names follow the issue: WrongPin, PinBlocked, CardRemoved, ...)
"""Typed card errors: each has a catalogue key (kiosk/locale/*/card.toml) and an English text.

Params carry counts and status words only: never a PIN, a PUK, a personnummer or a name.
"""

from __future__ import annotations

from devices.errors import DeviceError


class CardError(DeviceError):
    key = "error.card"
    english = "The card did not answer as expected."


class WrongPin(CardError):
    key = "error.card.wrong_pin"
    hint_key = "hint.card.wrong_pin"
    english = "Wrong PIN. {tries_left} tries left."

    def __init__(self, *, tries_left: int) -> None:
        super().__init__(tries_left=tries_left)
        self.tries_left = tries_left


class PinBlocked(CardError):
    key = "error.card.pin_blocked"
    hint_key = "hint.card.pin_blocked"
    english = "The card is locked: the PIN was entered wrongly too many times."


class WrongPuk(CardError):
    key = "error.card.wrong_puk"
    hint_key = "hint.card.wrong_puk"
    english = "Wrong PUK. {tries_left} tries left."

    def __init__(self, *, tries_left: int) -> None:
        super().__init__(tries_left=tries_left)
        self.tries_left = tries_left


class PukBlocked(CardError):
    key = "error.card.puk_blocked"
    hint_key = "hint.card.puk_blocked"
    english = "The PUK is blocked: the card can no longer be unlocked."


class InvalidPinFormat(CardError):
    key = "error.card.invalid_pin_format"
    english = "A PIN has 6 to 8 digits (a PUK 8 digits)."


class NotPivCard(CardError):
    key = "error.card.not_piv"
    hint_key = "hint.card.not_piv"
    english = "This is not an e-tjänstekort (no PIV application on the card)."


class CardRemoved(CardError):
    key = "error.card.removed"
    hint_key = "hint.card.removed"
    english = "The card was removed from the reader."


class CardReset(CardError):
    key = "error.card.reset"
    hint_key = "hint.card.try_again"
    english = "Another program reset the card."


class NoCard(CardError):
    key = "error.card.no_card"
    hint_key = "hint.card.insert"
    english = "There is no card in the reader."


class ReaderGone(CardError):
    key = "error.card.reader_gone"
    hint_key = "hint.card.reader_gone"
    english = "The card reader is not available."


class PcscUnavailable(ReaderGone):
    key = "error.card.service_unavailable"
    hint_key = "hint.card.reader_gone"
    english = "The smart-card service is not running."


class SecurityStatusNotSatisfied(CardError):
    key = "error.card.pin_required"
    hint_key = "hint.card.pin_required"
    english = "The card needs the PIN before this operation."


class UnexpectedStatus(CardError):
    key = "error.card.unexpected_status"
    hint_key = "hint.card.try_again"
    english = "The card answered with an unexpected status ({sw})."

    def __init__(self, *, sw: int) -> None:
        super().__init__(sw=f"{sw:04X}")
        self.sw = sw


class MalformedResponse(CardError):
    key = "error.card.malformed"
    hint_key = "hint.card.try_again"
    english = "The card sent data that could not be read ({what})."


class CommunicationError(CardError):
    key = "error.card.communication"
    hint_key = "hint.card.try_again"
    english = "Communication with the card failed (code {code})."


class VirtualCardNotTaken(CardError):
    key = "error.card.virtual_not_taken"
    hint_key = "hint.card.start_pcscd"
    english = "The virtual card reader did not take the card."

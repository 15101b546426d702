"""Typed card errors: each has a catalogue key (kiosk/locale/*/card.toml) and an English text.

Params carry counts and status words only: never a PIN, a PUK, a personnummer or a name.
"""

from __future__ import annotations

from typing import Any

from devices.card.pin import LOCKED, PinKind, PinState
from devices.errors import DeviceError


class CardError(DeviceError):
    key = "error.card"
    english = "The card did not answer as expected."


# --- PINs and PUKs: one family, from the card up -----------------------------------------
# The kiosk's services subclass these where the clerk reads other words for the same answer
# (login, PIN change, unlock); ``except WrongPinError`` catches every one of them.


class PinError(CardError):
    """The card refused a PIN or a PUK, or no longer takes it.

    ``kind``: the PIN concerned (for a PUK, the PIN it was to unblock); ``state``: what the
    card said about the code it refused. Never carries the code itself.
    """

    key = "error.card.pin"
    english = "The card did not accept the code."

    def __init__(self, *, state: PinState, kind: PinKind = PinKind.LOGIN, **params: Any) -> None:
        super().__init__(**params)
        self.state = state
        self.kind = kind

    @property
    def tries_left(self) -> int | None:
        """The exact tries left, when the card counts (PIV); None for flags-only cards."""
        return self.state.tries_left


def _tries_param(state: PinState) -> int | str:
    # A card that reports only flags (PKCS#11) gives no count to show.
    return "?" if state.tries_left is None else state.tries_left


class WrongPinError(PinError):
    key = "error.card.wrong_pin"
    hint_key = "hint.card.wrong_pin"
    english = "Wrong PIN. {tries_left} tries left."

    def __init__(self, *, state: PinState, kind: PinKind = PinKind.LOGIN, **params: Any) -> None:
        super().__init__(state=state, kind=kind, tries_left=_tries_param(state), **params)


class PinLockedError(PinError):
    key = "error.card.pin_blocked"
    hint_key = "hint.card.pin_blocked"
    english = "The card is locked: the PIN was entered wrongly too many times."

    def __init__(self, *, kind: PinKind = PinKind.LOGIN, **params: Any) -> None:
        super().__init__(state=LOCKED, kind=kind, **params)


class WrongPukError(PinError):
    """``state`` is the PUK's."""

    key = "error.card.wrong_puk"
    hint_key = "hint.card.wrong_puk"
    english = "Wrong PUK. {tries_left} tries left."

    def __init__(self, *, state: PinState, kind: PinKind = PinKind.LOGIN, **params: Any) -> None:
        super().__init__(state=state, kind=kind, tries_left=_tries_param(state), **params)


class PukBlockedError(PinError):
    key = "error.card.puk_blocked"
    hint_key = "hint.card.puk_blocked"
    english = "The PUK is blocked: the card can no longer be unlocked."

    def __init__(self, *, kind: PinKind = PinKind.LOGIN, **params: Any) -> None:
        super().__init__(state=LOCKED, kind=kind, **params)


class CardOperationNotAllowedError(CardError):
    """The card, through the backend that talks to it, does not allow the operation
    (``operation``: a ``CardCapability`` value)."""

    key = "error.card.not_allowed"
    english = "The card does not allow this operation."


class UnblockNotAvailableError(CardOperationNotAllowedError):
    """Neither the card's middleware nor a PIV application can unblock its PIN here."""

    key = "error.card.unblock_not_available"
    english = (
        "This card type cannot be unlocked at the kiosk: its middleware does not unblock "
        "the PIN and the card has no PIV application. Refer the holder to the service desk."
    )

    def __init__(self) -> None:
        super().__init__(operation="unblock_pin")


class InvalidPinFormatError(CardError):
    key = "error.card.invalid_pin_format"
    english = "A PIN has 6 to 8 digits (a PUK 8 digits)."


class NotPivCardError(CardError):
    key = "error.card.not_piv"
    hint_key = "hint.card.not_piv"
    english = "This is not an e-tjänstekort (no PIV application on the card)."


class CardRemovedError(CardError):
    key = "error.card.removed"
    hint_key = "hint.card.removed"
    english = "The card was removed from the reader."


class CardResetError(CardError):
    key = "error.card.reset"
    hint_key = "hint.card.try_again"
    english = "Another program reset the card."


class NoCardError(CardError):
    key = "error.card.no_card"
    hint_key = "hint.card.insert"
    english = "There is no card in the reader."


class ReaderGoneError(CardError):
    key = "error.card.reader_gone"
    hint_key = "hint.card.reader_gone"
    english = "The card reader is not available."


class PcscUnavailableError(ReaderGoneError):
    key = "error.card.service_unavailable"
    hint_key = "hint.card.reader_gone"
    english = "The smart-card service is not running."


class SecurityStatusNotSatisfiedError(CardError):
    key = "error.card.pin_required"
    hint_key = "hint.card.pin_required"
    english = "The card needs the PIN before this operation."


class UnexpectedStatusError(CardError):
    key = "error.card.unexpected_status"
    hint_key = "hint.card.try_again"
    english = "The card answered with an unexpected status ({sw})."

    def __init__(self, *, sw: int) -> None:
        super().__init__(sw=f"{sw:04X}")
        self.sw = sw


class MalformedResponseError(CardError):
    key = "error.card.malformed"
    hint_key = "hint.card.try_again"
    english = "The card sent data that could not be read ({what})."


class ResponseTooLongError(CardError):
    """The card kept answering ``61xx`` (more data) past the bounds of one response chain
    (``devices.card.piv.MAX_GET_RESPONSES``, ``MAX_RESPONSE_BYTES``): a faulty or hostile
    card. ``apdus``: the exchanges made before stopping; ``size``: the bytes received."""

    key = "error.card.response_too_long"
    hint_key = "hint.card.faulty"
    english = (
        "The card kept sending data without end and was stopped ({apdus} answers, {size} bytes)."
    )


class CommunicationError(CardError):
    key = "error.card.communication"
    hint_key = "hint.card.try_again"
    english = "Communication with the card failed (code {code})."


class VirtualCardNotTakenError(CardError):
    key = "error.card.virtual_not_taken"
    hint_key = "hint.card.start_pcscd"
    english = "The virtual card reader did not take the card."


# --- PKCS#11 middleware (devices/card/pkcs11_worker.py) ----------------------------------


class Pkcs11ModuleError(CardError):
    """The configured PKCS#11 module (``card.pkcs11_module``) does not load."""

    key = "error.card.pkcs11_module"
    hint_key = "hint.card.pkcs11_module"
    english = "The card middleware could not be loaded ({module})."


class MiddlewareTimeoutError(CardError):
    """A middleware call did not return in time; its worker process was ended."""

    key = "error.card.middleware_timeout"
    hint_key = "hint.card.try_again"
    english = "The card middleware did not answer within {seconds} s."


class MiddlewareFailedError(CardError):
    key = "error.card.middleware_failed"
    hint_key = "hint.card.try_again"
    english = "The card middleware reported an error ({code})."


class UnknownCardError(CardError):
    """The middleware does not know this card type."""

    key = "error.card.unknown_card"
    hint_key = "hint.card.not_piv"
    english = "The card middleware does not recognise this card."

"""The one card protocol of the kiosk: read, PIN state, verify, change, unblock, sign.

Every service that talks to a card (login, visit, card check, the workflows, the holder's
signature on a receipt) uses ``CardSession``: one open session to the card in a reader.
Services get it from ``CardAccess.open(role)`` and close it, or through a ``CardOpener``
(a context manager; ``opener_for``). ``kiosk.services.device_adapters.PivCardSession`` implements
it over ``devices.card.piv.PivSession``; another backend (PKCS#11) is another adapter.

Cards differ, and the protocol says how:

* PIN state is exact (PIV: tries left) or flags only (PKCS#11): ``PinState``;
* a card may have a login PIN and a signing PIN: every PIN method takes a ``PinKind``,
  the login PIN by default (a PIV card has one PIN for both);
* a card says which operations it allows: ``capabilities()``, checked with
  ``require_capability`` (OpenSC's PIV driver, for one, does not unblock through PKCS#11).

A refused code raises the card's PIN errors (``devices.card.errors.PinError`` and below);
other card faults raise the other ``devices.card.errors``. Nothing here keeps a PIN.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from enum import IntEnum, StrEnum
from typing import Protocol, runtime_checkable

from devices.card.errors import CardOperationNotAllowedError, UnblockNotAvailableError
from devices.card.pin import PinKind, PinState
from kiosk.services.ports import ReaderRole


class CardKey(IntEnum):
    """A key on the card with its certificate. The values are the PIV slot numbers, which
    are also the names the clerk and the receipts use (9A, 9C); a PKCS#11 backend maps its
    key objects onto them (OpenSC lists the PIV AUTH and SIGN keys as such)."""

    AUTHENTICATION = 0x9A
    SIGNING = 0x9C
    KEY_MANAGEMENT = 0x9D
    CARD_AUTHENTICATION = 0x9E


class CardCapability(StrEnum):
    """An operation a card allows through its backend."""

    VERIFY_PIN = "verify_pin"
    CHANGE_PIN = "change_pin"
    UNBLOCK_PIN = "unblock_pin"  # with the PUK
    SIGN = "sign"
    EXACT_PIN_COUNT = "exact_pin_count"  # pin_state() counts tries, not only flags
    SIGNING_PIN = "signing_pin"  # the signing key has a PIN of its own (PinKind.SIGNING)


class CardSession(Protocol):
    """One open session to a card. Every method but ``capabilities`` talks to the card."""

    def capabilities(self) -> frozenset[CardCapability]: ...

    def printed_serial(self) -> str | None:
        """The card number printed on the card, when the card carries it."""
        ...

    def card_serial(self) -> str | None:
        """The printed card number, else another number unique to the card."""
        ...

    def certificate(self, key: CardKey) -> bytes | None:
        """The DER certificate of ``key``; None when the card has none (e.g. no 9C, R5)."""
        ...

    def pin_state(self, kind: PinKind = PinKind.LOGIN) -> PinState: ...

    def verify_pin(self, pin: str, *, kind: PinKind = PinKind.LOGIN) -> None: ...

    def change_pin(self, current: str, new: str, *, kind: PinKind = PinKind.LOGIN) -> None: ...

    def unblock_pin(self, puk: str, new_pin: str, *, kind: PinKind = PinKind.LOGIN) -> None: ...

    def sign(self, key: CardKey, message: bytes) -> bytes:
        """A signature of SHA-256(``message``) with ``key`` (PKCS#1 v1.5 for RSA, DER ECDSA
        for EC), verifiable with the public key of the key's certificate."""
        ...

    def sign_digest(self, key: CardKey, digest: bytes) -> bytes:
        """As ``sign``, for a message whose SHA-256 ``digest`` is given (32 bytes)."""
        ...

    def close(self) -> None: ...


class CardAccess(Protocol):
    """Opens the card in one of the two readers (raises a typed error when empty)."""

    def open(self, role: ReaderRole) -> CardSession: ...


@runtime_checkable
class ReaderSessions(Protocol):
    """The counter's readers by name, for the login that decides which reader holds the
    operator's card (two identical readers can swap names after a reboot)."""

    def counter_readers(self) -> list[str]:
        """The names of the counter's readers (matched by either name pattern) now."""
        ...

    def open_reader(self, reader: str) -> CardSession:
        """The card in ``reader`` (raises a typed card error when it is empty)."""
        ...

    def bind_operator(self, reader: str) -> None:
        """``reader`` is the operator reader for the session, the other the customer's."""
        ...


CardOpener = Callable[[], AbstractContextManager[CardSession]]


def opener_for(access: CardAccess, role: ReaderRole) -> CardOpener:
    """A ``CardOpener`` for the card in ``role``'s reader: opened, used, closed."""

    @contextmanager
    def open_card() -> Iterator[CardSession]:
        session = access.open(role)
        try:
            yield session
        finally:
            session.close()

    return open_card


def require_capability(card: CardSession, capability: CardCapability) -> None:
    if capability not in card.capabilities():
        if capability is CardCapability.UNBLOCK_PIN:
            raise UnblockNotAvailableError()
        raise CardOperationNotAllowedError(operation=capability.value)

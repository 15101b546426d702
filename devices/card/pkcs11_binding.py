"""The one module that talks to a PKCS#11 library (python-pkcs11); it runs in the worker
process that ``devices.card.pkcs11_worker`` starts, never in the app's own process.

A card is the group of tokens that one reader shows: OpenSC names the slot after the
reader (``Virtual PCD 00 01``); a software token (SoftHSM2) has no reader and is named by
its token label. A token whose label carries the signing marker (``(signing)``, say) holds
the signing key and its own PIN: an older SITHS card with two PINs. Which label the
signing token of a real two-PIN card carries is an assumption (OpenSC appends the PIN's
name in parentheses to the card's label for a second PIN).

Requests are plain tuples; answers are ``("ok", value)`` or ``("error", class name,
params)`` for ``pkcs11_worker`` to raise as the typed card error of that name. No PIN is
kept after the call that uses it, logged or put into an answer.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import pkcs11
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass, TokenFlag, exceptions

# The key objects' CKA_ID for each PIV slot, as OpenSC's PIV driver lists them (PIV AUTH
# 01, SIGN 02, KEY MAN 03, CARD AUTH 04); the SoftHSM2 test cards use the same ids.
KEY_IDS: dict[int, bytes] = {0x9A: b"\x01", 0x9C: b"\x02", 0x9D: b"\x03", 0x9E: b"\x04"}
SIGNING_SLOT = 0x9C

# DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1): RSA signs it with the digest.
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")

Answer = tuple[Any, ...]


class RequestError(Exception):
    """A typed card error for the parent process to raise: ``name`` is its class name
    in ``devices.card.errors``, ``params`` its keyword arguments (no PIN, no PUK)."""

    def __init__(self, name: str, **params: Any) -> None:
        super().__init__(name)
        self.name = name
        self.params = params


def _flags_state(flags: int, *, so: bool = False, verified: bool = False) -> dict[str, bool]:
    if so:
        low, final, locked = (
            TokenFlag.SO_PIN_COUNT_LOW,
            TokenFlag.SO_PIN_FINAL_TRY,
            TokenFlag.SO_PIN_LOCKED,
        )
    else:
        low, final, locked = (
            TokenFlag.USER_PIN_COUNT_LOW,
            TokenFlag.USER_PIN_FINAL_TRY,
            TokenFlag.USER_PIN_LOCKED,
        )
    # A token logged in with its PIN is not locked, whatever flags the middleware still
    # shows (OpenSC keeps CKF_USER_PIN_LOCKED until it next reads the card's counter).
    return {
        "count_low": bool(flags & low) and not verified,
        "final_try": bool(flags & final) and not verified,
        "locked": bool(flags & locked) and not verified,
        "verified": verified,
    }


@dataclass
class _Token:
    token: Any
    signing: bool
    session: Any = None  # public session (certificates)
    login: Any = None  # logged-in session

    def fresh_flags(self) -> int:
        return int(self.token.slot.get_token().flags)

    def public(self) -> Any:
        if self.session is None:
            self.session = self.token.open()
        return self.session

    def logout(self) -> None:
        login, self.login = self.login, None
        if login is not None:
            with contextlib.suppress(exceptions.PKCS11Error):
                login.close()

    def close(self) -> None:
        self.logout()
        session, self.session = self.session, None
        if session is not None:
            with contextlib.suppress(exceptions.PKCS11Error):
                session.close()


@dataclass
class _Card:
    name: str
    tokens: list[_Token] = field(default_factory=list)

    def token(self, kind: str) -> _Token:
        """The token of the login or signing PIN (a one-PIN card: the same token)."""
        if kind == "signing":
            for token in self.tokens:
                if token.signing:
                    return token
        return next((t for t in self.tokens if not t.signing), self.tokens[0])

    def token_for_key(self, slot: int) -> _Token:
        return self.token("signing" if slot == SIGNING_SLOT else "login")


class Middleware:
    """The loaded PKCS#11 module and the cards opened through it (by handle)."""

    def __init__(self, module_path: str, signing_marker: str) -> None:
        try:
            self._lib = pkcs11.lib(module_path)
        except (RuntimeError, OSError) as exc:
            raise RequestError("Pkcs11ModuleError", module=module_path) from exc
        self._marker = re.compile(signing_marker)
        self._cards: dict[int, _Card] = {}
        self._next = 1

    # -- cards ---------------------------------------------------------------------------

    def _present(self) -> list[tuple[str, Any, bool]]:
        """(card name, token, is signing token) for every token present."""
        out: list[tuple[str, Any, bool]] = []
        for slot in self._lib.get_slots(token_present=True):
            try:
                token = slot.get_token()
            except (exceptions.TokenNotPresent, exceptions.TokenNotRecognised):
                continue
            label = token.label.strip()
            signing = bool(self._marker.search(label))
            hardware = bool(slot.flags & pkcs11.SlotFlag.REMOVABLE_DEVICE)
            name = slot.slot_description.strip() if hardware else self._marker.sub("", label)
            out.append((name.strip(), token, signing))
        return out

    def card_names(self) -> list[str]:
        return sorted({name for name, _token, _signing in self._present()})

    def open(self, name: str) -> int:
        tokens = [_Token(t, s) for n, t, s in self._present() if n == name]
        if not tokens:
            raise RequestError("NoCardError")
        # One card, one open handle: PKCS#11 logs in per token, not per session.
        for handle, card in list(self._cards.items()):
            if card.name == name:
                self.close(handle)
        handle, self._next = self._next, self._next + 1
        self._cards[handle] = _Card(name, tokens)
        return handle

    def close(self, handle: int) -> None:
        card = self._cards.pop(handle, None)
        if card is not None:
            for token in card.tokens:
                token.close()

    def _card(self, handle: int) -> _Card:
        card = self._cards.get(handle)
        if card is None:
            raise RequestError("CardRemovedError")
        return card

    def info(self, handle: int) -> dict[str, Any]:
        card = self._card(handle)
        login = card.token("login").token
        return {
            "manufacturer": str(login.manufacturer_id).strip(),
            "model": str(login.model).strip(),
            "serial": bytes(login.serial).decode("ascii", "replace").strip(),
            "signing_token": any(t.signing for t in card.tokens),
        }

    # -- certificates --------------------------------------------------------------------

    def certificate(self, handle: int, slot: int) -> bytes | None:
        card = self._card(handle)
        key_id = KEY_IDS[slot]
        order = [card.token_for_key(slot), *card.tokens]
        for token in order:
            template = {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.ID: key_id}
            for cert in token.public().get_objects(template):
                return bytes(cert[Attribute.VALUE])
        return None

    # -- PINs ----------------------------------------------------------------------------

    def pin_state(self, handle: int, kind: str) -> dict[str, bool]:
        token = self._card(handle).token(kind)
        return _flags_state(token.fresh_flags(), verified=token.login is not None)

    def _pin_refused(self, token: _Token, exc: Exception, *, kind: str, so: bool) -> RequestError:
        state = _flags_state(token.fresh_flags(), so=so)
        if isinstance(exc, exceptions.PinLocked) or state["locked"]:
            return RequestError("PukBlockedError" if so else "PinLockedError", kind=kind)
        if isinstance(exc, exceptions.PinIncorrect):
            return RequestError("WrongPukError" if so else "WrongPinError", kind=kind, **state)
        return RequestError("InvalidPinFormatError")

    def verify_pin(self, handle: int, kind: str, pin: str) -> None:
        token = self._card(handle).token(kind)
        token.logout()
        try:
            token.login = token.token.open(user_pin=pin)
        except _PIN_ERRORS as exc:
            raise self._pin_refused(token, exc, kind=kind, so=False) from None

    def change_pin(self, handle: int, kind: str, current: str, new: str) -> None:
        token = self._card(handle).token(kind)
        token.logout()
        try:
            with token.token.open(rw=True) as session:
                session.set_pin(current, new)
        except _PIN_ERRORS as exc:
            raise self._pin_refused(token, exc, kind=kind, so=False) from None

    def unblock_pin(self, handle: int, kind: str, puk: str, new: str) -> None:
        """SO login with the PUK, then C_InitPIN (SoftHSM2; OpenSC's PIV driver refuses)."""
        token = self._card(handle).token(kind)
        token.logout()
        try:
            session = token.token.open(rw=True, so_pin=puk)
        except _PIN_ERRORS as exc:
            raise self._pin_refused(token, exc, kind=kind, so=True) from None
        try:
            session.init_pin(new)
        except (exceptions.FunctionNotSupported, exceptions.GeneralError):
            raise RequestError("CardOperationNotAllowedError", operation="unblock_pin") from None
        except (exceptions.PinLenRange, exceptions.PinInvalid):
            raise RequestError("InvalidPinFormatError") from None
        finally:
            session.close()

    # -- signatures ----------------------------------------------------------------------

    def sign(self, handle: int, slot: int, data: bytes, prehashed: bool) -> bytes:
        """SHA-256 of ``data`` (or ``data`` as that digest) signed: DER ECDSA or PKCS#1."""
        token = self._card(handle).token_for_key(slot)
        if token.login is None:
            raise RequestError("SecurityStatusNotSatisfiedError")
        template = {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.ID: KEY_IDS[slot]}
        key = next(iter(token.login.get_objects(template)), None)
        if key is None:
            raise RequestError("MalformedResponseError", what=f"no key for {slot:02X}")
        if key.key_type == KeyType.EC:
            mechanism = Mechanism.ECDSA if prehashed else Mechanism.ECDSA_SHA256
            raw = bytes(key.sign(data, mechanism=mechanism))
            half = len(raw) // 2
            r, s = int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
            return encode_dss_signature(r, s)
        if prehashed:
            return bytes(key.sign(_SHA256_DIGEST_INFO + data, mechanism=Mechanism.RSA_PKCS))
        return bytes(key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))


_PIN_ERRORS = (
    exceptions.PinIncorrect,
    exceptions.PinLocked,
    exceptions.PinLenRange,
    exceptions.PinInvalid,
)
_REMOVED = (
    exceptions.TokenNotPresent,
    exceptions.DeviceRemoved,
    exceptions.SessionHandleInvalid,
    exceptions.SessionClosed,
)


def _answer(middleware: Middleware, request: tuple[Any, ...]) -> Answer:
    operation, *args = request
    method: Callable[..., Any] = getattr(middleware, operation)
    try:
        return ("ok", method(*args))
    except RequestError as exc:
        return ("error", exc.name, exc.params)
    except _REMOVED:
        return ("error", "CardRemovedError", {})
    except exceptions.TokenNotRecognised:
        return ("error", "UnknownCardError", {})
    except exceptions.UserNotLoggedIn:
        return ("error", "SecurityStatusNotSatisfiedError", {})
    except exceptions.PKCS11Error as exc:
        return ("error", "MiddlewareFailedError", {"code": type(exc).__name__})


def serve(connection: Connection, module_path: str, signing_marker: str) -> None:
    """The worker loop: load the module, answer requests until ``None`` or a closed pipe."""
    try:
        middleware = Middleware(module_path, signing_marker)
    except RequestError as exc:
        connection.send(("error", exc.name, exc.params))
        return
    connection.send(("ok", None))
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        connection.send(_answer(middleware, request))

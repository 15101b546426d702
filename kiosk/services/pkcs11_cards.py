"""The card protocol (``kiosk.services.card.CardSession``) over PKCS#11 middleware.

``Pkcs11Cards`` is the ``CardAccess`` of the PKCS#11 backend: the module runs in a worker
process (``devices.card.pkcs11_worker``), a reader's card is the tokens the middleware
shows for it, and the reader for a role is found by the same name patterns as on PC/SC.

What the middleware does not do falls back to the PIV backend on the same reader:
OpenSC's PIV driver does not unblock a PIN through PKCS#11 (``C_InitPIN`` as SO fails), so
the unblock goes to ``PivCardSession`` over PC/SC. A card that neither can unblock raises
``UnblockNotAvailableError``: the clerk is told that this card type cannot be unlocked here.

PIN state comes only as token flags (count low, final try, locked): no exact count.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from devices.card.cert_fields import CertificateFieldMap, certificate_facts
from devices.card.errors import (
    CardOperationNotAllowedError,
    NotPivCardError,
    UnblockNotAvailableError,
)
from devices.card.pin import PinKind, PinState
from devices.card.pkcs11_worker import Pkcs11Worker, state_from
from devices.card.reader_role import ReaderAssignment, ReaderRoles
from kiosk.services.card import CardCapability, CardKey, CardSession
from kiosk.services.errors import NoCardInReaderError
from kiosk.services.ports import ReaderRole

# Middleware (token manufacturer ids) known not to unblock through PKCS#11: OpenSC's PIV
# driver (measured here: C_InitPIN as SO gives CKR_GENERAL_ERROR). Its cards have PIV.
NO_PKCS11_UNBLOCK = frozenset({"piv_II"})

PivOpener = Callable[[str], AbstractContextManager[CardSession]]

_BASE_CAPABILITIES = frozenset(
    {CardCapability.VERIFY_PIN, CardCapability.CHANGE_PIN, CardCapability.SIGN}
)


class Pkcs11CardSession:
    """One card opened through the worker; ``close`` closes its sessions there."""

    def __init__(
        self,
        worker: Pkcs11Worker,
        reader: str,
        *,
        fields: CertificateFieldMap,
        piv_opener: PivOpener | None = None,
    ) -> None:
        self._worker = worker
        self._reader = reader
        self._fields = fields
        self._piv_opener = piv_opener
        self._handle: int | None = worker.call("open", reader)
        self._generation = worker.generation
        info: dict[str, Any] = worker.call("info", self._handle)
        self._manufacturer = str(info["manufacturer"])
        self._token_serial = str(info["serial"])
        self._signing_token = bool(info["signing_token"])
        self._facts_cache: dict[str, str | None] | None = None

    def __repr__(self) -> str:
        return f"Pkcs11CardSession(reader={self._reader!r}, middleware={self._manufacturer!r})"

    def _call(self, operation: str, *args: Any) -> Any:
        if self._handle is None:
            raise CardOperationNotAllowedError(operation=operation)
        return self._worker.call(operation, self._handle, *args)

    @property
    def _middleware_unblocks(self) -> bool:
        return self._manufacturer not in NO_PKCS11_UNBLOCK

    def capabilities(self) -> frozenset[CardCapability]:
        out = set(_BASE_CAPABILITIES)
        if self._signing_token:
            out.add(CardCapability.SIGNING_PIN)
        if self._middleware_unblocks or self._piv_opener is not None:
            out.add(CardCapability.UNBLOCK_PIN)
        return frozenset(out)

    # -- what the card carries -----------------------------------------------------------

    def _facts(self) -> dict[str, str | None]:
        if self._facts_cache is None:
            from cryptography import x509

            certs = []
            for key in (CardKey.AUTHENTICATION, CardKey.SIGNING):
                der = self.certificate(key)
                if der:
                    try:
                        certs.append(x509.load_der_x509_certificate(der))
                    except ValueError:
                        continue
            facts = certificate_facts(certs, self._fields)
            self._facts_cache = {"card_number": facts.card_number}
        return self._facts_cache

    def printed_serial(self) -> str | None:
        """The card number from the certificates (``CertificateFieldMap.card_number``)."""
        return self._facts()["card_number"]

    def card_serial(self) -> str | None:
        number = self.printed_serial()
        if number is not None:
            return number
        serial = self._token_serial.strip("0")
        return self._token_serial if serial else None

    def certificate(self, key: CardKey) -> bytes | None:
        der = self._call("certificate", int(key))
        return None if der is None else bytes(der)

    # -- PINs ----------------------------------------------------------------------------

    def pin_state(self, kind: PinKind = PinKind.LOGIN) -> PinState:
        return state_from(self._call("pin_state", kind.value))

    def verify_pin(self, pin: str, *, kind: PinKind = PinKind.LOGIN) -> None:
        self._call("verify_pin", kind.value, pin)

    def change_pin(self, current: str, new: str, *, kind: PinKind = PinKind.LOGIN) -> None:
        self._call("change_pin", kind.value, current, new)

    def unblock_pin(self, puk: str, new_pin: str, *, kind: PinKind = PinKind.LOGIN) -> None:
        if self._middleware_unblocks:
            try:
                self._call("unblock_pin", kind.value, puk, new_pin)
                return
            except CardOperationNotAllowedError:
                pass  # this middleware does not do it after all: try PIV below
        if self._piv_opener is None:
            raise UnblockNotAvailableError()
        try:
            with self._piv_opener(self._reader) as piv:
                piv.unblock_pin(puk, new_pin, kind=kind)
        except NotPivCardError:
            raise UnblockNotAvailableError() from None

    # -- signatures ----------------------------------------------------------------------

    def sign(self, key: CardKey, message: bytes) -> bytes:
        return bytes(self._call("sign", int(key), message, False))

    def sign_digest(self, key: CardKey, digest: bytes) -> bytes:
        if len(digest) != 32:
            raise ValueError("a signature takes a 32-byte SHA-256 digest")
        return bytes(self._call("sign", int(key), digest, True))

    def close(self) -> None:
        handle, self._handle = self._handle, None
        # A worker that was restarted meanwhile no longer knows the handle.
        if handle is not None and self._worker.generation == self._generation:
            self._worker.call("close", handle)


class Pkcs11Cards:
    """``CardAccess`` and ``ReaderSessions`` over a PKCS#11 module: the reader (or software
    token) for a role is the one the login bound, else the first name the middleware shows
    that matches the role's pattern (``ReaderAssignment``)."""

    def __init__(
        self,
        worker: Pkcs11Worker,
        operator_pattern: str,
        customer_pattern: str,
        *,
        fields: CertificateFieldMap | None = None,
        piv_opener: PivOpener | None = None,
        assignment: ReaderAssignment | None = None,
    ) -> None:
        self._worker = worker
        self.assignment = assignment or ReaderAssignment(
            ReaderRoles(operator_pattern=operator_pattern, customer_pattern=customer_pattern)
        )
        self._fields = fields or CertificateFieldMap()
        self._piv_opener = piv_opener

    def open(self, role: ReaderRole) -> Pkcs11CardSession:
        names: list[str] = self._worker.call("card_names")
        name = self.assignment.assign(names).get(role)
        if name is None:
            raise NoCardInReaderError.in_reader(role.value)
        return self.open_reader(name)

    # ReaderSessions
    def counter_readers(self) -> list[str]:
        """The counter's readers that hold a card the middleware knows (PKCS#11 shows a
        reader as a slot with a token)."""
        names: list[str] = self._worker.call("card_names")
        return [name for name in names if self.assignment.is_counter_reader(name)]

    def open_reader(self, reader: str) -> Pkcs11CardSession:
        return Pkcs11CardSession(
            self._worker, reader, fields=self._fields, piv_opener=self._piv_opener
        )

    def bind_operator(self, reader: str) -> None:
        self.assignment.bind_operator(reader)

    def close(self) -> None:
        self._worker.close()

"""Forced card login: the operator's own card, PIN verified by the card, a fresh challenge
signed with the 9A key, the certificate checked against the chain and the local roster.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from clock import local_date
from devices.card.errors import PinLockedError, WrongPinError
from kiosk.domain.types import Role
from kiosk.services.card import CardAccess, CardKey
from kiosk.services.errors import (
    CardUnreadableError,
    ChallengeFailedError,
    OperatorBlockedError,
    OperatorCertificateExpiredError,
    OperatorCertificateNotYetValidError,
    OperatorNoCertificateError,
    OperatorUnknownError,
    OperatorWrongChainError,
    PinBlockedError,
    PinRejectedError,
)
from kiosk.services.ports import OperatorRoster, ReaderRole, TrustStore

CHALLENGE_BYTES = 32


@dataclass(frozen=True)
class Operator:
    """Who works the counter, as the workflows and the journal need it: the HSA id, the
    role and the office (``LoggedInOperator.operator``)."""

    hsa_id: str
    role: Role
    office_id: str


@dataclass(frozen=True)
class LoggedInOperator:
    """The forced card login's result: the operator, with the name the status bar shows and
    the fingerprint of the certificate it logged in with."""

    hsa_id: str
    display_name: str
    role: str  # "clerk" | "id_admin"
    office_id: str
    fingerprint: str

    @property
    def operator(self) -> Operator:
        return Operator(self.hsa_id, Role(self.role), self.office_id)


def verify_signature(certificate_der: bytes, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` over ``message`` verifies with the certificate's key."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    key = x509.load_der_x509_certificate(certificate_der).public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


class LoginService:
    """Logs an operator in with their card; every refusal is a typed error."""

    def __init__(
        self,
        *,
        cards: CardAccess,
        trust: TrustStore,
        roster: OperatorRoster,
        clock: Callable[[], dt.datetime],
        entropy: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self._cards = cards
        self._trust = trust
        self._roster = roster
        self._clock = clock
        self._entropy = entropy

    def login(self, pin: str) -> LoggedInOperator:
        """Check the operator card in the operator reader and log its owner in."""
        from cryptography import x509

        session = self._cards.open(ReaderRole.OPERATOR)
        try:
            der = session.certificate(CardKey.AUTHENTICATION)
            if not der:
                raise OperatorNoCertificateError()
            try:
                cert = x509.load_der_x509_certificate(der)
            except ValueError:
                raise CardUnreadableError() from None
            now = self._clock()
            if now > cert.not_valid_after_utc:
                raise OperatorCertificateExpiredError(
                    date=local_date(cert.not_valid_after_utc).isoformat()
                )
            if now < cert.not_valid_before_utc:
                raise OperatorCertificateNotYetValidError(
                    date=local_date(cert.not_valid_before_utc).isoformat()
                )
            if not self._trust.check_chain(der).ok:
                raise OperatorWrongChainError()
            fingerprint = hashlib.sha256(der).hexdigest()
            record = self._roster.find_by_fingerprint(fingerprint)
            if record is None:
                raise OperatorUnknownError()
            if not record.active:
                raise OperatorBlockedError()
            try:
                session.verify_pin(pin)
            except WrongPinError as exc:
                raise PinRejectedError(state=exc.state, kind=exc.kind) from None
            except PinLockedError as exc:
                raise PinBlockedError(kind=exc.kind) from None
            challenge = self._entropy(CHALLENGE_BYTES)
            signature = session.sign(CardKey.AUTHENTICATION, challenge)
            if not verify_signature(der, challenge, signature):
                raise ChallengeFailedError()
            return LoggedInOperator(
                hsa_id=record.hsa_id,
                display_name=record.name,
                role=record.role,
                office_id=record.office_id,
                fingerprint=fingerprint,
            )
        finally:
            session.close()

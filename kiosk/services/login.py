"""Forced card login: the operator's own card, PIN verified by the card, a fresh challenge
signed with the 9A key, the certificate checked by the path validator (chain to the
configured SITHS CAs, every link in date, digitalSignature, not revoked in the cached CRLs)
and its HSA-id (subject serialNumber) on the roster of this office with a role.

Reader roles survive a reboot: with ``readers`` (the counter's readers by name), the login
looks for the reader that holds a card whose HSA-id is on the roster; that reader is the
operator reader for the session (``ReaderSessions.bind_operator``), the other the
customer's. The name patterns stay the preference when no card is an operator's; when both
are, ``OperatorReaderAmbiguousError`` asks the operator to choose (``operator_reader``).

An operator is known by identity, not by enrolment: no local step precedes the first login
at a kiosk. The certificate fingerprint is kept in the identity as a record only. With the
cached CRL of the card's CA past its grace period, or a roster that has not been refreshed
from the central for ``roster_max_age``, the login succeeds limited to blocking cards (R9:
blocking is never refused).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from clock import local_date
from devices.card.errors import PinLockedError, WrongPinError
from devices.errors import DeviceError
from kiosk.domain.types import Role
from kiosk.errors import KioskError
from kiosk.services.card import CardAccess, CardKey, CardSession, ReaderSessions
from kiosk.services.errors import (
    CardUnreadableError,
    ChallengeFailedError,
    OperatorBlockedError,
    OperatorCertificateExpiredError,
    OperatorCertificateNotYetValidError,
    OperatorNoCertificateError,
    OperatorReaderAmbiguousError,
    OperatorRevokedError,
    OperatorUnknownError,
    OperatorWrongChainError,
    OperatorWrongKeyUsageError,
    PinBlockedError,
    PinRejectedError,
)
from kiosk.services.ports import ChainReport, OperatorRoster, ReaderRole, TrustStore
from store.records import OperatorRecord

CHALLENGE_BYTES = 32


#: A roster not refreshed from the central for this long limits logins to blocking.
DEFAULT_ROSTER_MAX_AGE = dt.timedelta(days=14)


@dataclass(frozen=True)
class Operator:
    """Who works the counter, as the workflows and the journal need it: the HSA id, the
    role and the office (``LoggedInOperator.operator``). ``blocking_only``: the login was
    limited to blocking cards (outdated CRL or roster)."""

    hsa_id: str
    role: Role
    office_id: str
    blocking_only: bool = False


@dataclass(frozen=True)
class LoggedInOperator:
    """The forced card login's result: the operator, with the name the status bar shows and
    the fingerprint of the certificate it logged in with."""

    hsa_id: str
    display_name: str
    role: str  # "clerk" | "id_admin"
    office_id: str
    fingerprint: str
    #: why the login is limited to blocking cards (a catalogue key), or None
    limited_key: str | None = None
    #: catalogue keys with params the operator should read (a stale CRL, a cached CRL left
    #: out as unparsable or wrongly signed, the limit itself)
    warnings: tuple[tuple[str, dict[str, str]], ...] = ()

    @property
    def blocking_only(self) -> bool:
        return self.limited_key is not None

    @property
    def operator(self) -> Operator:
        return Operator(self.hsa_id, Role(self.role), self.office_id, self.blocking_only)


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
        office_id: str | None = None,
        roster_max_age: dt.timedelta | None = None,
        readers: ReaderSessions | None = None,
    ) -> None:
        """``office_id``: the kiosk's office, whose roster entries may log in (any office's
        when None); ``roster_max_age``: limit logins to blocking when the roster was last
        refreshed from the central longer ago than this (None: no central, no limit);
        ``readers``: find the operator's reader by the card in it (None: by role only)."""
        self._cards = cards
        self._readers = readers
        self._trust = trust
        self._roster = roster
        self._clock = clock
        self._entropy = entropy
        self._office_id = office_id
        self._roster_max_age = roster_max_age

    def login(self, pin: str, *, operator_reader: str | None = None) -> LoggedInOperator:
        """Check the operator's card and log its owner in: the card in ``operator_reader``
        (the operator's choice), else in the reader that holds a roster operator's card,
        else in the operator reader by name pattern. A successful login binds the reader
        roles for the session."""
        reader = operator_reader or self._reader_with_operator_card()
        if reader is not None and self._readers is not None:
            session = self._readers.open_reader(reader)
        else:
            session = self._cards.open(ReaderRole.OPERATOR)
        identity = self._login(session, pin)
        if reader is not None and self._readers is not None:
            self._readers.bind_operator(reader)
        return identity

    def _reader_with_operator_card(self) -> str | None:
        """The one reader whose card's authentication certificate names an active operator
        of this office (read without a PIN; the login then checks it all)."""
        if self._readers is None:
            return None
        holding = [r for r in self._readers.counter_readers() if self._holds_operator_card(r)]
        if len(holding) > 1:
            raise OperatorReaderAmbiguousError(tuple(holding))
        return holding[0] if holding else None

    def _holds_operator_card(self, reader: str) -> bool:
        from cryptography import x509

        from devices.card.certs import holder_identifier

        assert self._readers is not None
        try:
            with contextlib.closing(self._readers.open_reader(reader)) as session:
                der = session.certificate(CardKey.AUTHENTICATION)
            hsa_id = holder_identifier(x509.load_der_x509_certificate(der)) if der else None
        except (DeviceError, KioskError, ValueError):  # empty, unreadable, not a card of ours
            return False
        record = self._roster.find_by_hsa_id(hsa_id) if hsa_id else None
        return (
            record is not None
            and record.active
            and (self._office_id is None or record.office_id == self._office_id)
        )

    def _login(self, session: CardSession, pin: str) -> LoggedInOperator:
        from cryptography import x509

        from devices.card.certs import holder_common_name, holder_identifier

        try:
            der = session.certificate(CardKey.AUTHENTICATION)
            if not der:
                raise OperatorNoCertificateError()
            try:
                cert = x509.load_der_x509_certificate(der)
            except ValueError:
                raise CardUnreadableError() from None
            now = self._clock()
            chain = self._trust.check_chain(der, now, "authentication")
            _refuse_chain(chain)
            fingerprint = hashlib.sha256(der).hexdigest()
            record = self._roster_entry(holder_identifier(cert))
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
            limited, warnings = self._limits(chain, now)
            name = record.name or self._name_from_certificate(record, holder_common_name(cert))
            return LoggedInOperator(
                hsa_id=record.hsa_id,
                display_name=name,
                role=record.role,
                office_id=record.office_id,
                fingerprint=fingerprint,
                limited_key=limited,
                warnings=warnings,
            )
        finally:
            session.close()

    def _roster_entry(self, hsa_id: str | None) -> OperatorRecord:
        record = self._roster.find_by_hsa_id(hsa_id) if hsa_id else None
        if record is None or (self._office_id is not None and record.office_id != self._office_id):
            raise OperatorUnknownError()
        if not record.active:
            raise OperatorBlockedError()
        return record

    def _name_from_certificate(self, record: OperatorRecord, common_name: str | None) -> str:
        """The roster has no name for the operator: the certificate's common name fills it
        in, on the roster too (encrypted), so the history, the day report and the receipts
        name the operator; the central's name replaces it on the next pull with one."""
        name = (common_name or "").strip()
        if name:
            self._roster.fill_name(record.hsa_id, name)
        return name

    def _limits(
        self, chain: ChainReport, now: dt.datetime
    ) -> tuple[str | None, tuple[tuple[str, dict[str, str]], ...]]:
        params = {
            "issuer": chain.revocation_issuer,
            "date": local_date(chain.revocation_next_update).isoformat()
            if chain.revocation_next_update
            else "",
        }
        warnings: list[tuple[str, dict[str, str]]] = []
        limited: str | None = None
        if chain.revocation_expired:
            limited = "notice.login.limited_crl"
            warnings.append((limited, params))
        elif chain.revocation_stale:
            warnings.append(("notice.login.crl_stale", params))
        for problem in self._trust.problems:  # found when the check reloaded the cache
            warnings.append((problem.key, {k: str(v) for k, v in problem.params.items()}))
        if self._roster_max_age is not None:
            contact = self._roster.last_contact()
            if contact is None or now - contact > self._roster_max_age:
                limited = limited or "notice.login.limited_roster"
                days = "" if contact is None else str((now - contact).days)
                warnings.append(("notice.login.limited_roster", {"days": days}))
        return limited, tuple(warnings)


def _refuse_chain(chain: ChainReport) -> None:
    """The path validator's verdict as the login's refusal (nothing when it is ok)."""
    date = local_date(chain.date).isoformat() if chain.date else ""
    if chain.status == "expired":
        raise OperatorCertificateExpiredError(date=date)
    if chain.status == "not_yet_valid":
        raise OperatorCertificateNotYetValidError(date=date)
    if chain.status == "revoked":
        raise OperatorRevokedError()
    if chain.status == "wrong_usage":
        raise OperatorWrongKeyUsageError()
    if not chain.ok:
        raise OperatorWrongChainError()

"""Certificate revocation lists, checked offline against an indexed cache.

A CRL is parsed and its signature checked once, when it enters the cache
(:meth:`RevocationList.load`); from then on a lookup is one set membership test on the
revoked serials of the certificate's issuer, whatever the CRL's size. A CRL that cannot be
parsed, that no configured CA signed, or whose issuer is not a CA allowed to sign CRLs is a
typed error with a clerk-readable text; a CRL past its nextUpdate is kept (it is the best the
kiosk has) and says how stale it is (:class:`Freshness`).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from devices.errors import DeviceError

#: How long past its nextUpdate a CRL still lets activation, unlock and card tests run.
DEFAULT_CRL_GRACE = dt.timedelta(days=7)


class RevocationListError(DeviceError):
    key = "error.crl"
    english = "A certificate revocation list could not be used."


class RevocationListUnparsableError(RevocationListError):
    key = "error.crl.unparsable"
    english = "A certificate revocation list is damaged and cannot be read."


class RevocationListWrongSignerError(RevocationListError):
    key = "error.crl.wrong_signer"
    english = "A certificate revocation list was not signed by a trusted SITHS CA."


class RevocationListExpiredError(RevocationListError):
    """Past its nextUpdate plus the grace period: activation, unlock and card tests wait
    for a fresh list; blocking a card never does (R9)."""

    key = "error.crl.expired"
    hint_key = "hint.crl.expired"
    english = (
        "The revocation list of {issuer} is out of date (next update was due {date}): the "
        "kiosk cannot tell whether this card is blocked. Only blocking cards works now."
    )


class Freshness(enum.Enum):
    CURRENT = "current"  # before nextUpdate
    STALE = "stale"  # past nextUpdate, within the grace period: warn the operator
    EXPIRED = "expired"  # past the grace period: refuse all but blocking
    MISSING = "missing"  # no CRL for this issuer in the cache


def issuer_key(name: x509.Name) -> str:
    """The cache key of an issuer: SHA-1 of its DER-encoded name (40 hex digits)."""
    return hashlib.sha1(name.public_bytes(), usedforsecurity=False).hexdigest()


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def _may_sign_crls(ca: x509.Certificate) -> bool:
    try:
        usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True  # no key usage extension: every usage (RFC 5280 4.2.1.3)
    return bool(usage.crl_sign)


@dataclass(frozen=True)
class RevocationList:
    """One CA's revoked serials (a frozenset: constant-time lookups) and its dates."""

    issuer: str  # the issuer's common name, for messages
    issuer_key: str
    this_update: dt.datetime
    next_update: dt.datetime | None
    der: bytes = field(repr=False)
    revoked: frozenset[int] = field(repr=False)

    @classmethod
    def load(cls, der: bytes, authorities: Iterable[x509.Certificate]) -> RevocationList:
        """Parse ``der`` and check that one of ``authorities`` (CA certificates allowed to
        sign CRLs) signed it. Raises the :class:`RevocationListError` family."""
        try:
            crl = x509.load_der_x509_crl(der)
        except ValueError:
            raise RevocationListUnparsableError() from None
        signer = None
        for ca in authorities:
            if ca.subject != crl.issuer or not _may_sign_crls(ca):
                continue
            try:
                if crl.is_signature_valid(ca.public_key()):  # type: ignore[arg-type]
                    signer = ca
                    break
            except (TypeError, ValueError):
                continue
        if signer is None:
            raise RevocationListWrongSignerError()
        try:
            revoked = frozenset(entry.serial_number for entry in crl)
        except ValueError:
            raise RevocationListUnparsableError() from None
        return cls(
            issuer=_common_name(crl.issuer),
            issuer_key=issuer_key(crl.issuer),
            this_update=crl.last_update_utc,
            next_update=crl.next_update_utc,
            der=der,
            revoked=revoked,
        )

    def freshness(self, now: dt.datetime, grace: dt.timedelta = DEFAULT_CRL_GRACE) -> Freshness:
        if self.next_update is None or now <= self.next_update:
            return Freshness.CURRENT
        if now <= self.next_update + grace:
            return Freshness.STALE
        return Freshness.EXPIRED

    def require_usable(self, now: dt.datetime, grace: dt.timedelta = DEFAULT_CRL_GRACE) -> None:
        """Raise ``RevocationListExpiredError`` when past nextUpdate plus ``grace``."""
        if self.freshness(now, grace) is Freshness.EXPIRED:
            assert self.next_update is not None
            raise RevocationListExpiredError(
                issuer=self.issuer, date=self.next_update.date().isoformat()
            )


def load_revocation_lists(
    ders: Iterable[bytes], authorities: Iterable[x509.Certificate]
) -> tuple[list[RevocationList], list[RevocationListError]]:
    """Each DER list loaded (:meth:`RevocationList.load`), and the typed errors of those
    left out (unparsable, or signed by none of ``authorities``)."""
    signers = tuple(authorities)
    loaded: list[RevocationList] = []
    problems: list[RevocationListError] = []
    for der in ders:
        try:
            loaded.append(RevocationList.load(der, signers))
        except RevocationListError as exc:
            problems.append(exc)
    return loaded, problems


@dataclass(frozen=True)
class RevocationStatus:
    """What the cache says about one certificate."""

    revoked: bool
    freshness: Freshness
    issuer: str = ""
    next_update: dt.datetime | None = None


class RevocationCache:
    """The CRLs the kiosk holds, by issuer; replaced whole by :meth:`update`."""

    def __init__(self, lists: Iterable[RevocationList] = ()) -> None:
        self._lists: dict[str, RevocationList] = {}
        self.update(lists)

    def update(self, lists: Iterable[RevocationList]) -> None:
        """Add or replace lists; an older list never replaces a newer one of its issuer."""
        merged = dict(self._lists)
        for item in lists:
            held = merged.get(item.issuer_key)
            if held is None or item.this_update >= held.this_update:
                merged[item.issuer_key] = item
        self._lists = merged  # one assignment: readers see the old or the new set

    def lists(self) -> tuple[RevocationList, ...]:
        return tuple(self._lists.values())

    def lookup(
        self,
        cert: x509.Certificate,
        now: dt.datetime,
        grace: dt.timedelta = DEFAULT_CRL_GRACE,
    ) -> RevocationStatus:
        held = self._lists.get(issuer_key(cert.issuer))
        if held is None:
            return RevocationStatus(False, Freshness.MISSING, _common_name(cert.issuer))
        return RevocationStatus(
            cert.serial_number in held.revoked,
            held.freshness(now, grace),
            held.issuer,
            held.next_update,
        )


def certificate_der(cert: x509.Certificate) -> bytes:
    return bytes(cert.public_bytes(Encoding.DER))

"""Certificate facts with ``cryptography`` (key usage, the holder identifier in subject
serialNumber) and the chain check to the configured trust anchors (intermediate and root,
R13), which is the project's one path validator (``devices.card.validation``).

Summaries keep the holder's identifier and name out of their ``repr``.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from clock import local_date
from devices.card.errors import MalformedResponseError
from protocol.identity_number import is_identity_number

if TYPE_CHECKING:
    from devices.card.revocation import RevocationCache
    from devices.card.validation import PathValidator

HSA_ID = re.compile(r"SE\d{10}-[A-Za-z0-9]{1,30}")


# What ``cryptography`` raises for a certificate it cannot read (x509's own exceptions do
# not derive from ValueError).
_UNREADABLE = (
    ValueError,
    TypeError,
    UnsupportedAlgorithm,
    x509.InvalidVersion,
    x509.DuplicateExtension,
    x509.UnsupportedGeneralNameType,
)


def load_card_certificate(der: bytes) -> x509.Certificate:
    """A certificate read from a card, with every part the kiosk reads later parsed now.

    ``cryptography`` parses the subject, the issuer, the extensions and the public key only
    when they are first read, and raises ``ValueError`` or ``UnsupportedAlgorithm`` there; a
    card that sends a damaged certificate gets ``MalformedResponseError`` here instead.
    """
    try:
        cert = x509.load_der_x509_certificate(der)
    except _UNREADABLE:
        raise MalformedResponseError(what="certificate is not valid DER") from None
    part = "subject"
    try:
        cert.subject.rfc4514_string()
        part = "issuer"
        cert.issuer.rfc4514_string()
        part = "extensions"
        _ = cert.extensions
        part = "public key"
        cert.public_key()
    except _UNREADABLE:
        raise MalformedResponseError(what=f"certificate {part} unreadable") from None
    return cert


class ChainStatus(enum.Enum):
    OK = "ok"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    UNTRUSTED = "untrusted"  # does not chain to the configured intermediate and root
    MISSING = "missing"  # no certificate to check
    REVOKED = "revoked"  # on its issuer's revocation list (the kiosk's cached CRLs)
    WRONG_USAGE = "wrong_usage"  # its key usage does not allow what it is used for


@dataclass(frozen=True)
class TrustAnchors:
    """The configured intermediates and roots (R13: install the intermediate, then the root)."""

    intermediates: tuple[x509.Certificate, ...]
    roots: tuple[x509.Certificate, ...]
    _validators: dict[int, PathValidator] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    @classmethod
    def from_certificates(cls, certificates: Iterable[x509.Certificate]) -> TrustAnchors:
        inter: list[x509.Certificate] = []
        roots: list[x509.Certificate] = []
        for cert in certificates:
            (roots if cert.issuer == cert.subject else inter).append(cert)
        return cls(tuple(inter), tuple(roots))

    @classmethod
    def from_pem_files(cls, paths: Iterable[Path]) -> TrustAnchors:
        certs: list[x509.Certificate] = []
        for path in paths:
            certs.extend(x509.load_pem_x509_certificates(path.read_bytes()))
        return cls.from_certificates(certs)

    def validator(self, revocation: RevocationCache | None = None) -> PathValidator:
        """The path validator over these anchors (built once per anchors and cache)."""
        from devices.card.validation import PathValidator

        key = id(revocation)
        held = self._validators.get(key)
        if held is None or (revocation is not None and held.revocation is not revocation):
            held = self._validators[key] = PathValidator(self, revocation)
        return held


def check_chain(
    cert: x509.Certificate | None,
    anchors: TrustAnchors,
    now: dt.datetime,
    revocation: RevocationCache | None = None,
) -> ChainStatus:
    """Leaf → configured intermediate → configured root, every link signed and in date,
    none revoked in ``revocation`` (``devices.card.validation.PathValidator``)."""
    return anchors.validator(revocation).check(cert, now).status


def holder_identifier(cert: x509.Certificate) -> str | None:
    values = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    return str(values[0].value) if values else None


def holder_common_name(cert: x509.Certificate) -> str | None:
    """The subject's common name (a SITHS card's holder name), None when it has none."""
    return _common_name(cert.subject)


def identifier_kind(identifier: str | None, today: dt.date) -> str:
    """ "personnummer" (a samordningsnummer too), "hsa_id" or "unknown"; ``today`` is the
    kiosk clock's local date (``protocol.identity_number`` decides the numbers)."""
    if identifier is None:
        return "unknown"
    if HSA_ID.fullmatch(identifier):
        return "hsa_id"
    if is_identity_number(identifier, today):
        return "personnummer"
    return "unknown"


def key_algorithm(cert: x509.Certificate) -> str:
    public = cert.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        return f"ec-{public.curve.name}"
    if isinstance(public, rsa.RSAPublicKey):
        return f"rsa-{public.key_size}"
    return "other"


@dataclass(frozen=True)
class CertificateSummary:
    """What the kiosk shows about one certificate (identifier and name are not in repr)."""

    slot: int
    issuer: str
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime
    key_algorithm: str
    digital_signature: bool
    non_repudiation: bool
    identifier_kind: str
    chain: ChainStatus
    fingerprint_sha256: str
    holder_identifier: str | None = field(repr=False, default=None)
    holder_name: str | None = field(repr=False, default=None)

    @property
    def usable_for_signing(self) -> bool:
        """A signing certificate needs nonRepudiation and a good chain."""
        return self.non_repudiation and self.chain is ChainStatus.OK


def _common_name(name: x509.Name) -> str | None:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else None


def summarize(
    slot: int,
    cert: x509.Certificate,
    anchors: TrustAnchors,
    now: dt.datetime,
    revocation: RevocationCache | None = None,
) -> CertificateSummary:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        digital, non_rep = usage.digital_signature, usage.content_commitment
    except x509.ExtensionNotFound:
        digital = non_rep = False
    identifier = holder_identifier(cert)
    return CertificateSummary(
        slot=slot,
        issuer=_common_name(cert.issuer) or cert.issuer.rfc4514_string(),
        serial=f"{cert.serial_number:X}",
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key_algorithm=key_algorithm(cert),
        digital_signature=digital,
        non_repudiation=non_rep,
        identifier_kind=identifier_kind(identifier, local_date(now)),
        chain=check_chain(cert, anchors, now, revocation),
        fingerprint_sha256=hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest(),
        holder_identifier=identifier,
        holder_name=_common_name(cert.subject),
    )

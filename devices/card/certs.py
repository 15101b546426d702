"""Certificate checks with ``cryptography``: validity, chain to the configured trust anchors
(intermediate and root, R13), key usage, and the holder identifier in subject serialNumber.

Summaries keep the holder's identifier and name out of their ``repr``.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from clock import local_date
from devices.card.errors import MalformedResponseError
from protocol.identity_number import is_identity_number

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


@dataclass(frozen=True)
class TrustAnchors:
    """The configured intermediates and roots (R13: install the intermediate, then the root)."""

    intermediates: tuple[x509.Certificate, ...]
    roots: tuple[x509.Certificate, ...]

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

    @functools.cached_property
    def chains(self) -> tuple[tuple[x509.Certificate, x509.Certificate], ...]:
        """Each intermediate with the first root that signed it, in configured order
        (an intermediate no root signed is left out). Checked once per set of anchors,
        not again for every certificate on every card."""
        out: list[tuple[x509.Certificate, x509.Certificate]] = []
        for intermediate in self.intermediates:
            root = next((r for r in self.roots if _signed_by(intermediate, r)), None)
            if root is not None:
                out.append((intermediate, root))
        return tuple(out)


def _signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def _time_status(cert: x509.Certificate, now: dt.datetime) -> ChainStatus:
    if now < cert.not_valid_before_utc:
        return ChainStatus.NOT_YET_VALID
    if now > cert.not_valid_after_utc:
        return ChainStatus.EXPIRED
    return ChainStatus.OK


def check_chain(
    cert: x509.Certificate | None, anchors: TrustAnchors, now: dt.datetime
) -> ChainStatus:
    """Leaf → configured intermediate → configured root, every link signed and in date."""
    if cert is None:
        return ChainStatus.MISSING
    for intermediate, root in anchors.chains:
        if _signed_by(cert, intermediate):
            for link in (cert, intermediate, root):
                status = _time_status(link, now)
                if status is not ChainStatus.OK:
                    return status
            return ChainStatus.OK
    return ChainStatus.UNTRUSTED


def holder_identifier(cert: x509.Certificate) -> str | None:
    values = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    return str(values[0].value) if values else None


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
        chain=check_chain(cert, anchors, now),
        fingerprint_sha256=hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest(),
        holder_identifier=identifier,
        holder_name=_common_name(cert.subject),
    )

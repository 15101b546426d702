"""The holder's signature on a receipt: made with their own card, checked with its cert.

The holder types the PIN; the card then signs the receipt digest (32 bytes, see
``kiosk.receipts.facts.receipt_digest``):

* with the signing key (slot 9C) when the card has a signing certificate: the card
  signs the digest as a SHA-256 hash, so the signature verifies as an ordinary
  SHA-256 signature over the canonical facts;
* otherwise (R5: many cards lack one) with the authentication key (slot 9A), which
  signs SHA-256 of the digest bytes.

The signature's **fingerprint** is SHA-256 of the signature bytes; the receipt shows it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from devices.card.certs import ChainStatus, TrustAnchors, holder_identifier
from devices.card.pin import PinKind
from devices.card.revocation import RevocationCache
from devices.card.validation import KeyPurpose
from kiosk.receipts.errors import NoHolderCertificateError
from kiosk.services.card import CardKey, CardSession
from protocol.identity_number import InvalidIdentityNumberError, parse_identity_number

SLOT_NAMES = {CardKey.SIGNING: "9C", CardKey.AUTHENTICATION: "9A"}


@dataclass(frozen=True)
class HolderSignature:
    """A signature by the holder's card, with the certificate that verifies it."""

    slot: str  # "9C" or "9A"
    value: bytes = field(repr=False)
    certificate_der: bytes = field(repr=False)  # its subject names the holder

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the signature bytes, hex."""
        return hashlib.sha256(self.value).hexdigest()

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.certificate_der)

    def to_dict(self) -> dict[str, str]:
        return {
            "slot": self.slot,
            "signature": base64.b64encode(self.value).decode("ascii"),
            "certificate": base64.b64encode(self.certificate_der).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HolderSignature:
        """Inverse of :meth:`to_dict`; raises ``ValueError`` on a wrong shape."""
        try:
            slot = str(data["slot"])
            if slot not in ("9C", "9A"):
                raise ValueError(f"unknown slot {slot!r}")
            return cls(
                slot=slot,
                value=base64.b64decode(str(data["signature"]), validate=True),
                certificate_der=base64.b64decode(str(data["certificate"]), validate=True),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"holder signature of the wrong shape: {exc}") from None


def sign_receipt(card: CardSession, digest_hex: str, pin: str) -> HolderSignature:
    """Verify the holder's PIN and sign the receipt digest with 9C (or 9A without 9C).

    Raises the card's typed errors (``WrongPinError``, ``PinLockedError``, ...) and
    :class:`NoHolderCertificateError`. The PIN is passed to the card and not kept.
    """
    digest = bytes.fromhex(digest_hex)
    key = CardKey.SIGNING
    der = card.certificate(key)
    if der is None:
        key = CardKey.AUTHENTICATION
        der = card.certificate(key)
    if der is None:
        raise NoHolderCertificateError()
    card.verify_pin(pin, kind=PinKind.SIGNING if key is CardKey.SIGNING else PinKind.LOGIN)
    value = card.sign_digest(key, digest) if key is CardKey.SIGNING else card.sign(key, digest)
    return HolderSignature(SLOT_NAMES[key], value, der)


def signature_valid(signature: HolderSignature, digest_hex: str) -> bool:
    """True when ``signature`` is the certificate key's signature of the digest."""
    try:
        digest = bytes.fromhex(digest_hex)
        public = signature.certificate.public_key()
    except ValueError:
        return False
    # 9C signs the digest as a SHA-256 hash; 9A signs SHA-256(digest bytes).
    prehashed = signature.slot == "9C"
    algorithm: Any = utils.Prehashed(hashes.SHA256()) if prehashed else hashes.SHA256()
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature.value, digest, ec.ECDSA(algorithm))
        elif isinstance(public, rsa.RSAPublicKey):
            public.verify(signature.value, digest, padding.PKCS1v15(), algorithm)
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def signer_is_holder(
    signature: HolderSignature, personnummer: str, hsa_id: str | None, today: dt.date
) -> bool:
    """The certificate's subject serialNumber is the holder's personnummer (or
    samordningsnummer, in any of its forms; the century of a 10-digit form as on
    ``today``) or the holder's HSA-id."""
    try:
        identifier = holder_identifier(signature.certificate)
    except ValueError:
        return False
    if identifier is None:
        return False
    if hsa_id is not None and identifier == hsa_id:
        return True
    try:
        return parse_identity_number(identifier, today).digits == personnummer
    except InvalidIdentityNumberError:
        return False


def signing_purpose(signature: HolderSignature) -> KeyPurpose:
    """The key usage a receipt signature needs: nonRepudiation where the signing
    certificate (9C) signed, digitalSignature where the authentication key did (R5)."""
    return KeyPurpose.SIGNATURE if signature.slot == "9C" else KeyPurpose.AUTHENTICATION


def certificate_chain(
    signature: HolderSignature,
    anchors: TrustAnchors,
    at: dt.datetime,
    revocation: RevocationCache | None = None,
) -> ChainStatus:
    """The certificate's status at signing time ``at`` from the one path validator: the
    chain, every link's dates, the key usage of the slot that signed and the revocation
    lists in ``revocation`` (the kiosk's cache: a certificate revoked since fails)."""
    validator = anchors.validator(revocation)
    return validator.check(signature.certificate, at, signing_purpose(signature)).status

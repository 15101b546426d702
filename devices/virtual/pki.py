"""A throw-away test PKI shaped like the SITHS hierarchy, built with ``cryptography``.

``TestPki.create(now=...)`` makes a root ("SITHS e-id Root CA v2"-like), an intermediate for
person certificates ("SITHS e-id Person ID 3 CA"-like) and a function CA for kiosk and
server TLS certificates. Holder credentials carry the four PIV slots (9A authentication,
9C signing, 9D key management, 9E card authentication); the subject ``serialNumber``
carries the holder's personnummer or HSA-id. Variants give expired, not-yet-valid and
wrong-chain certificates for the refusal paths.

P-256 keys by default (fast); RSA-2048 on request. Never used for production keys.
Keeping the CAs on disk and writing PEM files: ``devices.virtual.pki_files``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from devices.virtual.pki_crl import crl_url, distribution_point

KeyType = Literal["p256", "rsa2048"]
# "wrong_usage": the authentication certificate lacks digitalSignature (nonRepudiation only)
Variant = Literal["ok", "expired", "not_yet_valid", "wrong_chain", "wrong_usage"]
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

ROOT_NAME = "SITHS e-id Root CA v2 (TEST)"
PERSON_CA_NAME = "SITHS e-id Person ID 3 CA (TEST)"
FUNCTION_CA_NAME = "SITHS e-id Function CA (TEST)"
ROGUE_ROOT_NAME = "Rogue Root CA (TEST)"
ORGANISATION = "Inera AB (TEST)"

_DAY = dt.timedelta(days=1)


def generate_key(key_type: KeyType = "p256") -> PrivateKey:
    """A fresh private key of the given type."""
    if key_type == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "rsa2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError(f"unknown key type {key_type!r}")


def _name(
    common_name: str, *, serial_number: str | None = None, card_number: str | None = None
) -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if serial_number is not None:
        parts.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    if card_number is not None:
        # The card number, where ``devices.card.cert_fields`` looks by default (assumed).
        parts.append(x509.NameAttribute(NameOID.PSEUDONYM, card_number))
    return x509.Name(parts)


@dataclass(frozen=True)
class CertificateAuthority:
    """A CA certificate and its key."""

    cert: x509.Certificate
    key: PrivateKey = field(repr=False)

    @property
    def name(self) -> x509.Name:
        return self.cert.subject


def _validity(now: dt.datetime, variant: Variant, days: int) -> tuple[dt.datetime, dt.datetime]:
    if variant == "expired":
        return now - dt.timedelta(days=days + 30), now - _DAY
    if variant == "not_yet_valid":
        return now + dt.timedelta(days=30), now + dt.timedelta(days=30 + days)
    return now - _DAY, now + dt.timedelta(days=days)


def _sign(builder: x509.CertificateBuilder, issuer_key: PrivateKey) -> x509.Certificate:
    return builder.sign(issuer_key, hashes.SHA256())


def _make_ca(
    common_name: str,
    key: PrivateKey,
    *,
    issuer: CertificateAuthority | None,
    now: dt.datetime,
    days: int,
    path_length: int | None,
    crl_url: str | None = None,
) -> CertificateAuthority:
    subject = _name(common_name)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.name if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _DAY)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    if crl_url is not None:
        builder = builder.add_extension(distribution_point(crl_url), critical=False)
    return CertificateAuthority(_sign(builder, issuer.key if issuer else key), key)


def _key_usage(
    *,
    digital_signature: bool = False,
    non_repudiation: bool = False,
    key_encipherment: bool = False,
    key_agreement: bool = False,
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=non_repudiation,
        key_encipherment=key_encipherment,
        data_encipherment=False,
        key_agreement=key_agreement,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass(frozen=True)
class SlotCredential:
    """One PIV slot's certificate and private key."""

    cert: x509.Certificate = field(repr=False)  # its subject names the holder
    key: PrivateKey = field(repr=False)


@dataclass(frozen=True)
class HolderCredentials:
    """Everything a personalised card carries for one holder.

    ``repr`` shows no identifier, name or key: these objects end up in test logs.
    """

    identifier: str = field(repr=False)
    name: str = field(repr=False)
    key_type: KeyType
    variant: Variant
    authentication: SlotCredential  # 9A
    signing: SlotCredential | None  # 9C
    key_management: SlotCredential  # 9D
    card_authentication: SlotCredential  # 9E

    def slots(self) -> dict[int, SlotCredential]:
        """Slot number (0x9A, 0x9C, 0x9D, 0x9E) → credential, signing left out when absent."""
        out = {0x9A: self.authentication, 0x9D: self.key_management}
        if self.signing is not None:
            out[0x9C] = self.signing
        out[0x9E] = self.card_authentication
        return out


@dataclass(frozen=True)
class TestPki:
    """Root, person intermediate, function CA, and a rogue CA for the wrong-chain variant."""

    __test__ = False  # not a pytest test class

    root_ca: CertificateAuthority
    person_ca: CertificateAuthority
    function_ca: CertificateAuthority
    rogue_ca: CertificateAuthority
    now: dt.datetime
    #: where the CRLs are served (``devices.virtual.pki_crl``): leaf and intermediate
    #: certificates then carry a CRL distribution point under it
    crl_base_url: str | None = None

    @classmethod
    def create(
        cls,
        *,
        now: dt.datetime,
        key_type: KeyType = "p256",
        intermediate_days: int = 3650,
        crl_base_url: str | None = None,
    ) -> TestPki:
        """A fresh hierarchy. ``key_type`` is used for the CA keys too; ``intermediate_days``:
        how long the person intermediate lives (shorter than a card to test its expiry)."""
        moment = now.replace(microsecond=0)
        root = _make_ca(
            ROOT_NAME, generate_key(key_type), issuer=None, now=moment, days=7300, path_length=1
        )
        person = _make_ca(
            PERSON_CA_NAME,
            generate_key(key_type),
            issuer=root,
            now=moment,
            days=intermediate_days,
            path_length=0,
            crl_url=crl_url(crl_base_url, root.cert),
        )
        function = _make_ca(
            FUNCTION_CA_NAME,
            generate_key(key_type),
            issuer=root,
            now=moment,
            days=3650,
            path_length=0,
        )
        rogue_root = _make_ca(
            ROGUE_ROOT_NAME,
            generate_key(key_type),
            issuer=None,
            now=moment,
            days=7300,
            path_length=1,
        )
        # Same subject name as the genuine intermediate, different key and root.
        rogue = _make_ca(
            PERSON_CA_NAME,
            generate_key(key_type),
            issuer=rogue_root,
            now=moment,
            days=3650,
            path_length=0,
        )
        return cls(root, person, function, rogue, moment, crl_base_url)

    @property
    def root(self) -> x509.Certificate:
        return self.root_ca.cert

    @property
    def intermediate(self) -> x509.Certificate:
        return self.person_ca.cert

    @property
    def function_intermediate(self) -> x509.Certificate:
        return self.function_ca.cert

    @property
    def trust_anchors(self) -> tuple[x509.Certificate, x509.Certificate]:
        """(intermediate, root): what a kiosk configures for card chain checks (R13)."""
        return (self.person_ca.cert, self.root_ca.cert)

    def _issuer(self, variant: Variant, default: CertificateAuthority) -> CertificateAuthority:
        return self.rogue_ca if variant == "wrong_chain" else default

    def _leaf(
        self,
        subject: x509.Name,
        key: PrivateKey,
        issuer: CertificateAuthority,
        *,
        variant: Variant,
        days: int,
        key_usage: x509.KeyUsage,
        extended: list[x509.ObjectIdentifier] | None = None,
        san: list[x509.GeneralName] | None = None,
    ) -> x509.Certificate:
        not_before, not_after = _validity(self.now, variant, days)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer.name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(key_usage, critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
                critical=False,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
        )
        if extended:
            builder = builder.add_extension(x509.ExtendedKeyUsage(extended), critical=False)
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        url = crl_url(self.crl_base_url, issuer.cert)
        if url is not None:
            builder = builder.add_extension(distribution_point(url), critical=False)
        return _sign(builder, issuer.key)

    def issue_holder(
        self,
        identifier: str,
        name: str,
        *,
        signing: bool = True,
        variant: Variant = "ok",
        key_type: KeyType = "p256",
        card_number: str | None = None,
    ) -> HolderCredentials:
        """Card credentials for one holder; ``identifier`` is a personnummer or an HSA-id,
        ``card_number`` (the number printed on the card) goes into every certificate."""
        issuer = self._issuer(variant, self.person_ca)
        subject = _name(name, serial_number=identifier, card_number=card_number)

        def slot(usage: x509.KeyUsage, eku: list[x509.ObjectIdentifier]) -> SlotCredential:
            key = generate_key(key_type)
            cert = self._leaf(
                subject, key, issuer, variant=variant, days=730, key_usage=usage, extended=eku
            )
            return SlotCredential(cert, key)

        auth = slot(
            _key_usage(non_repudiation=True)
            if variant == "wrong_usage"
            else _key_usage(digital_signature=True),
            [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SMARTCARD_LOGON],
        )
        sign = slot(_key_usage(non_repudiation=True), []) if signing else None
        if key_type == "rsa2048":
            km_usage = _key_usage(key_encipherment=True)
        else:
            km_usage = _key_usage(key_agreement=True)
        km = slot(km_usage, [ExtendedKeyUsageOID.EMAIL_PROTECTION])
        card_auth = slot(_key_usage(digital_signature=True), [])
        return HolderCredentials(
            identifier=identifier,
            name=name,
            key_type=key_type,
            variant=variant,
            authentication=auth,
            signing=sign,
            key_management=km,
            card_authentication=card_auth,
        )

    def issue_kiosk_certificate(
        self, kiosk_id: str, *, variant: Variant = "ok", key_type: KeyType = "p256"
    ) -> tuple[x509.Certificate, PrivateKey]:
        """A TLS client certificate for a kiosk (function certificate, CN = kiosk id)."""
        key = generate_key(key_type)
        cert = self._leaf(
            _name(kiosk_id),
            key,
            self._issuer(variant, self.function_ca),
            variant=variant,
            days=365,
            key_usage=_key_usage(digital_signature=True),
            extended=[ExtendedKeyUsageOID.CLIENT_AUTH],
        )
        return cert, key

    def issue_server_certificate(
        self, hostname: str = "localhost", *, variant: Variant = "ok", key_type: KeyType = "p256"
    ) -> tuple[x509.Certificate, PrivateKey]:
        """A TLS server certificate; SAN carries the host name (and 127.0.0.1 for localhost)."""
        key = generate_key(key_type)
        names: list[x509.GeneralName] = []
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(hostname)))
        except ValueError:
            names.append(x509.DNSName(hostname))
        if hostname == "localhost":
            names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
        cert = self._leaf(
            _name(hostname),
            key,
            self._issuer(variant, self.function_ca),
            variant=variant,
            days=365,
            key_usage=_key_usage(digital_signature=True, key_encipherment=True),
            extended=[ExtendedKeyUsageOID.SERVER_AUTH],
            san=names,
        )
        return cert, key

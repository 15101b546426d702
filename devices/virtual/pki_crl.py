"""Revocation lists of the test PKI: where each CA's CRL is served, the distribution-point
extension that says so, and the CRLs themselves (signed by the CA, with the serials the
test revokes). Served over HTTP in tests by a plain file server process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

if TYPE_CHECKING:
    from devices.virtual.pki import CertificateAuthority


def crl_file_name(ca: x509.Certificate) -> str:
    """The file name of a CA's CRL: its common name, lowercased, non-alphanumerics as '-'."""
    values = ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    name = str(values[0].value) if values else ca.subject.rfc4514_string()
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") + ".crl"


def crl_url(base: str | None, ca: x509.Certificate) -> str | None:
    """Where the CRL of ``ca`` is served under ``base`` (None: no distribution point)."""
    if base is None:
        return None
    return f"{base.rstrip('/')}/{crl_file_name(ca)}"


def distribution_point(url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(url)],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


def issue_crl(
    ca: CertificateAuthority,
    revoked: Iterable[int] = (),
    *,
    this_update: dt.datetime,
    next_update: dt.datetime,
    number: int = 1,
) -> bytes:
    """A DER CRL signed by ``ca`` listing the certificate serials in ``revoked``."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
    )
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(this_update)
            .build()
        )
    crl = builder.sign(ca.key, hashes.SHA256())
    return bytes(crl.public_bytes(Encoding.DER))


def write_crl(folder: Path, ca: CertificateAuthority, der: bytes) -> Path:
    """Put a CRL where a file server serving ``folder`` answers its distribution point."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / crl_file_name(ca.cert)
    path.write_bytes(der)
    return path

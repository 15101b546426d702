"""Trust anchors from certificates or a folder of PEM files: self-signed certificates are the
roots, the others intermediates; the cached CRLs check revocation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography import x509

    from kiosk.services.trust import AnchoredTrust, RevocationSource


def _der(cert: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return bytes(cert.public_bytes(Encoding.DER))


def trust_from_certificates(
    certs: Sequence[x509.Certificate],
    *,
    source: RevocationSource | None = None,
    grace: dt.timedelta | None = None,
) -> AnchoredTrust:
    """Self-signed certificates are roots, the others intermediates; ``source``: the
    cached CRLs (the store's), ``grace``: how long past nextUpdate they still serve."""
    from devices.card.revocation import DEFAULT_CRL_GRACE
    from kiosk.services.trust import AnchoredTrust

    roots = [c for c in certs if c.issuer == c.subject]
    intermediates = [c for c in certs if c.issuer != c.subject]
    return AnchoredTrust(
        [_der(c) for c in intermediates],
        [_der(c) for c in roots],
        source=source,
        grace=DEFAULT_CRL_GRACE if grace is None else grace,
    )


def trust_from_folder(
    folder: Path,
    *,
    source: RevocationSource | None = None,
    grace: dt.timedelta | None = None,
) -> AnchoredTrust:
    from cryptography import x509

    certs: list[x509.Certificate] = []
    for path in sorted(folder.glob("*.pem")):
        certs.extend(x509.load_pem_x509_certificates(path.read_bytes()))
    return trust_from_certificates(certs, source=source, grace=grace)

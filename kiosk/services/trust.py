"""Certificate chain check against the configured intermediate and root (R13)."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.services.ports import ChainReport


class AnchoredTrust:
    """Checks that a certificate was issued by one of the intermediates, itself by a root."""

    def __init__(self, intermediates_der: Sequence[bytes], roots_der: Sequence[bytes]) -> None:
        from cryptography import x509

        self._intermediates = [x509.load_der_x509_certificate(d) for d in intermediates_der]
        self._roots = [x509.load_der_x509_certificate(d) for d in roots_der]

    def check_chain(self, certificate_der: bytes) -> ChainReport:
        from cryptography import x509

        try:
            cert = x509.load_der_x509_certificate(certificate_der)
        except ValueError:
            return ChainReport(intermediate_ok=False, root_ok=False)
        for intermediate in self._intermediates:
            if not _issued_by(cert, intermediate):
                continue
            root_ok = any(_issued_by(intermediate, root) for root in self._roots)
            return ChainReport(intermediate_ok=True, root_ok=root_ok)
        return ChainReport(intermediate_ok=False, root_ok=False)


def _issued_by(child: object, issuer: object) -> bool:
    from cryptography import x509

    assert isinstance(child, x509.Certificate)
    assert isinstance(issuer, x509.Certificate)
    try:
        child.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, Exception):
        return False
    return True

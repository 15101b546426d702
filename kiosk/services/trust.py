"""The kiosk's trust store: the project's one path validator over the configured
intermediate and root (R13) and the CRLs cached from the central (revocation, offline)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from devices.card.revocation import (
    DEFAULT_CRL_GRACE,
    RevocationCache,
    RevocationList,
    RevocationListError,
)
from kiosk.services.ports import ChainReport

PURPOSES = ("any", "authentication", "signature")

log = logging.getLogger(__name__)


class RevocationSource(Protocol):
    """Where the cached CRLs come from (the store, filled by sync)."""

    def version(self) -> str | None: ...

    def lists(self) -> Mapping[str, bytes]: ...


class StoreRevocationSource:
    """``RevocationSource`` over the kiosk's store (``store.crl_cache``)."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def version(self) -> str | None:
        from store.crl_cache import revocation_lists_version

        with self._store.read_only() as tx:
            return revocation_lists_version(tx)

    def lists(self) -> Mapping[str, bytes]:
        from store.crl_cache import cached_revocation_lists

        with self._store.read_only() as tx:
            return cached_revocation_lists(tx)


class AnchoredTrust:
    """Validates a certificate's path, dates, key usage and revocation."""

    def __init__(
        self,
        intermediates_der: Sequence[bytes],
        roots_der: Sequence[bytes],
        *,
        revocation: RevocationCache | None = None,
        grace: dt.timedelta = DEFAULT_CRL_GRACE,
        source: RevocationSource | None = None,
    ) -> None:
        """``source``: the cached CRLs, reloaded (parsed and signature-checked once) when
        its version changes; a list that fails the checks is left out and logged."""
        from cryptography import x509

        from devices.card.certs import TrustAnchors
        from devices.card.validation import PathValidator

        self.anchors = TrustAnchors(
            tuple(x509.load_der_x509_certificate(d) for d in intermediates_der),
            tuple(x509.load_der_x509_certificate(d) for d in roots_der),
        )
        self.revocation = revocation if revocation is not None else RevocationCache()
        self._validator = PathValidator(self.anchors, self.revocation, grace=grace)
        self._source = source
        self._version: str | None = None
        #: the typed errors of the lists the last reload left out
        self.problems: tuple[RevocationListError, ...] = ()

    def reload(self) -> None:
        """Load the source's lists into the cache when its version moved."""
        if self._source is None:
            return
        version = self._source.version()
        if version is None or version == self._version:
            return
        authorities = (*self.anchors.intermediates, *self.anchors.roots)
        loaded: list[RevocationList] = []
        problems: list[RevocationListError] = []
        for der in self._source.lists().values():
            try:
                loaded.append(RevocationList.load(der, authorities))
            except RevocationListError as exc:
                log.warning("cached revocation list left out: %s", exc.key)
                problems.append(exc)
        self.revocation.update(loaded)
        self.problems = tuple(problems)
        self._version = version

    def check_chain(
        self, certificate_der: bytes, now: dt.datetime, purpose: str = "any"
    ) -> ChainReport:
        from cryptography import x509

        from devices.card.validation import KeyPurpose

        try:
            cert = x509.load_der_x509_certificate(certificate_der)
        except ValueError:
            return ChainReport(intermediate_ok=False, root_ok=False, status="untrusted")
        self.reload()
        check = self._validator.check(cert, now, KeyPurpose[purpose.upper()])
        status = check.status.value
        if status == "untrusted":
            intermediate_ok = self._issued_by_intermediate(cert)
            root_ok = False
        else:
            intermediate_ok = root_ok = True
        return ChainReport(
            intermediate_ok=intermediate_ok,
            root_ok=root_ok,
            status=status,
            link=check.link.value if check.link else None,
            date=check.date,
            revocation=check.revocation.value,
            revocation_issuer=check.revocation_issuer,
            revocation_next_update=check.revocation_next_update,
        )

    def _issued_by_intermediate(self, cert: object) -> bool:
        """For the card test's wording only: was it issued by a configured intermediate
        (then the intermediate's link to the root is what failed)?"""
        from cryptography import x509

        assert isinstance(cert, x509.Certificate)
        return any(_issued_by(cert, i) for i in self.anchors.intermediates)


def _issued_by(cert: object, issuer: object) -> bool:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature

    assert isinstance(cert, x509.Certificate) and isinstance(issuer, x509.Certificate)
    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True

"""The one certificate path validator of the project (pyhanko-certvalidator).

Path building and validation, the validity dates of every link (the certificate, the
intermediate and the root: the root's own dates count), and key usage come from
pyhanko-certvalidator, the only module here that imports it; revocation comes from the
kiosk's cached CRLs (``devices.card.revocation``), an indexed set of serials per issuer,
checked for every certificate of the path but the root, with no network.

Key usage by purpose: ``AUTHENTICATION`` needs digitalSignature (operator login, and a
receipt that a card without a signing certificate signs with its authentication key, R5);
``SIGNATURE`` needs nonRepudiation (a receipt signed with the signing certificate).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import enum
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from cryptography import x509

from devices.card.revocation import (
    DEFAULT_CRL_GRACE,
    Freshness,
    RevocationCache,
    certificate_der,
)

if TYPE_CHECKING:
    from devices.card.certs import ChainStatus, TrustAnchors

_T = TypeVar("_T")


class KeyPurpose(enum.Enum):
    ANY = frozenset[str]()
    AUTHENTICATION = frozenset({"digital_signature"})
    SIGNATURE = frozenset({"non_repudiation"})


class Link(enum.StrEnum):
    CERTIFICATE = "certificate"
    INTERMEDIATE = "intermediate"
    ROOT = "root"


#: From best to worst. MISSING (no list for the issuer in the cache: nothing configured or
#: not pulled yet) ranks below a stale list: the services warn on STALE and refuse on EXPIRED.
_FRESHNESS_ORDER = (Freshness.CURRENT, Freshness.MISSING, Freshness.STALE, Freshness.EXPIRED)


@dataclass(frozen=True)
class PathCheck:
    """The validator's answer for one certificate.

    ``status``: the chain verdict; ``link`` and ``date``: the link that failed and the date
    that made it fail (expiry or start); ``revocation``: the worst freshness of the CRLs
    consulted along the path, ``revocation_issuer`` and ``revocation_next_update`` the CA
    and date of that list (for the operator's warning).
    """

    status: ChainStatus
    link: Link | None = None
    date: dt.datetime | None = None
    revocation: Freshness = Freshness.MISSING
    revocation_issuer: str = ""
    revocation_next_update: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        from devices.card.certs import ChainStatus

        return self.status is ChainStatus.OK


_loops = threading.local()
_helper = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="certvalidator")


def _run(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run the library's coroutine to its end from synchronous code: on this thread's own
    loop, or on a helper thread when this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        loop = getattr(_loops, "loop", None)
        if loop is None or loop.is_closed():
            loop = _loops.loop = asyncio.new_event_loop()
        return loop.run_until_complete(coroutine)
    return _helper.submit(_run_here, coroutine).result()


def _run_here(coroutine: Coroutine[Any, Any, _T]) -> _T:
    return _run(coroutine)


class PathValidator:
    """Validates certificates against configured anchors and the cached CRLs."""

    def __init__(
        self,
        anchors: TrustAnchors,
        revocation: RevocationCache | None = None,
        *,
        grace: dt.timedelta = DEFAULT_CRL_GRACE,
    ) -> None:
        from asn1crypto import x509 as asn1_x509
        from pyhanko_certvalidator.authority import CertTrustAnchor, TrustQualifiers

        self.anchors = anchors
        self.revocation = revocation if revocation is not None else RevocationCache()
        self.grace = grace
        self._roots = []
        for root in anchors.roots:
            loaded = asn1_x509.Certificate.load(certificate_der(root))
            # The root's own dates count. Qualifiers given whole: the library's derived
            # ones leave the AA path length unset, which its path check then trips on.
            length = loaded.max_path_length
            qualifiers = TrustQualifiers(
                max_path_length=length,
                max_aa_path_length=length,
                valid_from=root.not_valid_before_utc,
                valid_until=root.not_valid_after_utc,
            )
            self._roots.append(CertTrustAnchor(loaded, quals=qualifiers))
        self._intermediates = [
            asn1_x509.Certificate.load(certificate_der(c)) for c in anchors.intermediates
        ]

    def check(
        self,
        cert: x509.Certificate | None,
        now: dt.datetime,
        purpose: KeyPurpose = KeyPurpose.ANY,
    ) -> PathCheck:
        from devices.card.certs import ChainStatus

        if cert is None:
            return PathCheck(ChainStatus.MISSING)
        if not self._roots:
            return PathCheck(ChainStatus.UNTRUSTED)
        failure = self._validate(cert, now, purpose)
        if failure is not None:
            return failure
        return self._revocation(cert, now)

    def _validate(
        self, cert: x509.Certificate, now: dt.datetime, purpose: KeyPurpose
    ) -> PathCheck | None:
        from asn1crypto import x509 as asn1_x509
        from pyhanko_certvalidator import CertificateValidator, ValidationContext
        from pyhanko_certvalidator import errors as failures

        from devices.card.certs import ChainStatus

        context = ValidationContext(
            trust_roots=self._roots,
            other_certs=self._intermediates,
            moment=now,
            allow_fetching=False,
            revocation_mode="soft-fail",  # revocation: the indexed cache below
        )
        try:
            leaf = asn1_x509.Certificate.load(certificate_der(cert))
            validator = CertificateValidator(leaf, validation_context=context)
            if purpose.value:
                _run(validator.async_validate_usage(set(purpose.value)))  # type: ignore[no-untyped-call]
            else:
                _run(validator.async_validate_path())
        except failures.ExpiredError as exc:
            return PathCheck(ChainStatus.EXPIRED, self._link(exc), exc.expired_dt)
        except failures.NotYetValidError as exc:
            return PathCheck(ChainStatus.NOT_YET_VALID, self._link(exc), exc.valid_from)
        except failures.InvalidCertificateError:
            return PathCheck(ChainStatus.WRONG_USAGE, Link.CERTIFICATE)
        except (failures.PathBuildingError, failures.PathValidationError, ValueError):
            return PathCheck(ChainStatus.UNTRUSTED)
        return None

    def _link(self, exc: Any) -> Link:
        if getattr(exc, "is_ee_cert", False):
            return Link.CERTIFICATE
        moment = getattr(exc, "expired_dt", None) or getattr(exc, "valid_from", None)
        for root in self.anchors.roots:
            if moment in (root.not_valid_after_utc, root.not_valid_before_utc):
                return Link.ROOT
        return Link.INTERMEDIATE

    def _revocation(self, cert: x509.Certificate, now: dt.datetime) -> PathCheck:
        """The certificate and each intermediate above it against its issuer's CRL."""
        from devices.card.certs import ChainStatus

        worst = None
        chain = [cert, *self._issuers_above(cert)]
        links = [Link.CERTIFICATE] + [Link.INTERMEDIATE] * (len(chain) - 1)
        for link, member in zip(links, chain, strict=True):
            status = self.revocation.lookup(member, now, self.grace)
            if status.revoked:
                return PathCheck(
                    ChainStatus.REVOKED,
                    link,
                    revocation=status.freshness,
                    revocation_issuer=status.issuer,
                    revocation_next_update=status.next_update,
                )
            if worst is None or _FRESHNESS_ORDER.index(status.freshness) > _FRESHNESS_ORDER.index(
                worst.freshness
            ):
                worst = status
        assert worst is not None
        return PathCheck(
            ChainStatus.OK,
            revocation=worst.freshness,
            revocation_issuer=worst.issuer,
            revocation_next_update=worst.next_update,
        )

    def _issuers_above(self, cert: x509.Certificate) -> list[x509.Certificate]:
        """The configured intermediates between ``cert`` and its root (the path is
        already validated: matching by name and signature is enough here)."""
        out: list[x509.Certificate] = []
        current = cert
        for _ in range(len(self.anchors.intermediates)):
            issuer = next(
                (
                    c
                    for c in self.anchors.intermediates
                    if c.subject == current.issuer and _signed(current, c)
                ),
                None,
            )
            if issuer is None:
                break
            out.append(issuer)
            current = issuer
        return out


def _signed(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# -- for the receipts' PDF signatures (pyHanko takes these types) ---------------------


def asn1_certificate(cert: x509.Certificate) -> Any:
    """``cert`` as the certificate type of pyHanko and its validator (asn1crypto)."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def certificate_registry(certs: list[x509.Certificate]) -> Any:
    """A certificate store of the validator holding ``certs`` (a signer's chain)."""
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]  # untyped __init__
    registry.register_multiple([asn1_certificate(c) for c in certs])
    return registry


def offline_context_arguments(
    anchors: TrustAnchors | None, crls: tuple[bytes, ...], moment: dt.datetime | None
) -> dict[str, Any]:
    """Arguments of the validator's ``ValidationContext`` for an offline check: the anchors,
    the revocation lists held (DER), never a fetch; a missing list is tolerated
    (soft-fail), a held list that revokes a certificate counts, also one issued later."""
    from asn1crypto import crl as asn1_crl

    arguments: dict[str, Any] = {
        "trust_roots": [asn1_certificate(c) for c in anchors.roots] if anchors else [],
        "other_certs": [asn1_certificate(c) for c in anchors.intermediates] if anchors else [],
        "crls": [asn1_crl.CertificateList.load(der) for der in crls],
        "allow_fetching": False,
        "revocation_mode": "soft-fail",
        "retroactive_revinfo": True,
    }
    if moment is not None:
        arguments["moment"] = moment
    return arguments


def offline_context(
    anchors: TrustAnchors | None, crls: tuple[bytes, ...], moment: dt.datetime | None
) -> Any:
    """The validator's ``ValidationContext`` over ``offline_context_arguments``."""
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(**offline_context_arguments(anchors, crls, moment))


def certificate_from_asn1(cert: Any) -> x509.Certificate:
    """The inverse of :func:`asn1_certificate`."""
    return x509.load_der_x509_certificate(cert.dump())


def run_coroutine(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """A pyHanko coroutine run to its end from synchronous code, also from a thread that
    already runs an event loop (the app's, a test's): the path validator's runner."""
    return _run(coroutine)

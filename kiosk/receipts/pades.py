"""PAdES signatures on the receipt PDF, made by a card (pyHanko with an external signer).

The SITHS hand-out has two signatures on one PDF:

1. the operator at the counter signs the hand-out with their own card; this first
   signature **certifies** the document (DocMDP, form filling and signatures allowed);
2. the holder, after reading and accepting the card's terms of use on the screen (the
   terms are printed in the signed page), signs with the new card.

Each signature is an incremental update; the card signs the CMS signed attributes
(``CardSession.sign_digest`` with SHA-256: both the PIV and the PKCS#11 backend). A card
without a signing certificate signs with its authentication key (R5); the receipt's page
says so. The signer's certificate chain goes into the CMS; the revocation lists the kiosk
holds go into the document security store (DSS) when trust anchors are given.

pyHanko is imported with this module only: the rest of the kiosk does not load it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import (
    PdfCMSSignedAttributes,  # asn1crypto's, re-exported
)

from devices.card.certs import TrustAnchors
from devices.card.pin import PinKind
from devices.card.validation import (
    asn1_certificate,
    certificate_registry,
    offline_context,
    run_coroutine,
)
from kiosk.receipts.errors import NoHolderCertificateError, ReceiptSigningError
from kiosk.services.card import CardKey, CardSession

# pyHanko logs certificate subjects (a holder's name and personnummer) when a path or a
# check fails; no log line of ours carries personal data, so its records stop here. Its
# results reach the kiosk as typed errors and verdicts instead.
logging.getLogger("pyhanko").setLevel(logging.CRITICAL + 1)

OPERATOR_FIELD = "Operator"
HOLDER_FIELD = "Holder"


class CardPdfSigner(signers.Signer):
    """A pyHanko signer whose private key is on a card: the card signs the SHA-256 of the
    CMS signed attributes. The PIN must have been verified on ``card`` before."""

    def __init__(
        self,
        card: CardSession,
        key: CardKey,
        certificate: x509.Certificate,
        chain: Iterable[x509.Certificate] = (),
    ) -> None:
        public = certificate.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            self._placeholder = public.key_size // 8
        elif isinstance(public, ec.EllipticCurvePublicKey):
            self._placeholder = 2 * ((public.key_size + 7) // 8) + 9  # DER ECDSA at most
        else:
            raise ReceiptSigningError()
        self._card = card
        self._key = key
        super().__init__(
            signing_cert=asn1_certificate(certificate),
            cert_registry=certificate_registry(list(chain)),
            # the mechanism follows the certificate's key: PKCS#1 v1.5 or ECDSA, SHA-256
            embed_roots=True,
        )

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return bytes(self._placeholder)
        if digest_algorithm != "sha256":
            raise ReceiptSigningError()
        return self._card.sign_digest(self._key, hashlib.sha256(data).digest())


@dataclass(frozen=True)
class CardKeyChoice:
    """The key a card signs a receipt with: 9C with its certificate, else 9A (R5)."""

    key: CardKey
    certificate_der: bytes = field(repr=False)

    @property
    def with_authentication_key(self) -> bool:
        return self.key is CardKey.AUTHENTICATION

    @property
    def pin_kind(self) -> PinKind:
        return PinKind.LOGIN if self.with_authentication_key else PinKind.SIGNING


def signing_key(card: CardSession) -> CardKeyChoice:
    """The signing key with its certificate, else the authentication key (R5); raises
    :class:`NoHolderCertificateError` when the card has neither certificate."""
    for key in (CardKey.SIGNING, CardKey.AUTHENTICATION):
        der = card.certificate(key)
        if der is not None:
            return CardKeyChoice(key, der)
    raise NoHolderCertificateError()


@dataclass(frozen=True)
class SigningContext:
    """What goes with each signature: the signing time (the kiosk's clock), the trust
    anchors (the chain to embed) and the revocation lists the kiosk holds (DER)."""

    at: dt.datetime
    anchors: TrustAnchors | None = None
    crls: tuple[bytes, ...] = field(default=(), repr=False)

    def chain(self) -> list[x509.Certificate]:
        if self.anchors is None:
            return []
        return [*self.anchors.intermediates, *self.anchors.roots]

    def validation_context(self) -> Any:
        """Offline: the anchors and the kiosk's CRLs, never a fetch; a missing list is
        tolerated (soft-fail), a certificate a held list revokes is refused."""
        if self.anchors is None:
            return None
        return offline_context(self.anchors, self.crls, self.at)


def sign_pdf(
    pdf: bytes,
    card: CardSession,
    choice: CardKeyChoice,
    context: SigningContext,
    *,
    field_name: str,
    certify: bool,
) -> bytes:
    """``pdf`` with one more PAdES signature by the card (an incremental update).

    ``certify``: the first signature certifies (DocMDP: form filling and signatures
    allowed after it). The card's PIN must already be verified. Raises
    :class:`ReceiptSigningError` when pyHanko refuses (e.g. a revoked certificate)."""
    certificate = x509.load_der_x509_certificate(choice.certificate_der)
    signer = CardPdfSigner(card, choice.key, certificate, context.chain())
    validation = context.validation_context()
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        embed_validation_info=validation is not None,
        validation_context=validation,
        signer_key_usage={"digital_signature"}
        if choice.with_authentication_key
        else {"non_repudiation"},
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    pdf_signer = signers.PdfSigner(meta, signer)
    try:
        output = run_coroutine(_sign(pdf_signer, writer, context.at))
    except SigningError as exc:
        raise ReceiptSigningError() from exc
    return output.getvalue()


async def _sign(
    pdf_signer: signers.PdfSigner, writer: IncrementalPdfFileWriter, at: dt.datetime
) -> io.BytesIO:
    """``PdfSigner.async_sign_pdf``, with the signing time from the kiosk's clock."""
    session = pdf_signer.init_signing_session(writer)
    session.system_time = at
    validation_info = await session.perform_presign_validation(writer)
    reserved = await session.estimate_signature_container_size(validation_info)
    tbs = session.prepare_tbs_document(validation_info=validation_info, bytes_reserved=reserved)
    prepared, output = tbs.digest_tbs_document(output=io.BytesIO())
    post = await tbs.perform_signature(
        document_digest=prepared.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(
            signing_time=at,
            adobe_revinfo_attr=None
            if validation_info is None
            else validation_info.adobe_revinfo_attr,
        ),
    )
    await post.post_signature_processing(output)
    output.seek(0)
    assert isinstance(output, io.BytesIO)  # digest_tbs_document writes to the one given
    return output


def sign_with_card(
    pdf: bytes,
    card: CardSession,
    pin: str,
    context: SigningContext,
    *,
    field_name: str,
    certify: bool,
) -> bytes:
    """The card's PIN is verified (the signing PIN for 9C, the login PIN for 9A), then the
    card signs ``pdf``. Raises the card's PIN errors before anything is signed."""
    choice = signing_key(card)
    card.verify_pin(pin, kind=choice.pin_kind)
    return sign_pdf(pdf, card, choice, context, field_name=field_name, certify=certify)

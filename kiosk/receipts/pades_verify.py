"""Check a receipt's PAdES signatures offline: pyHanko's validation with difference analysis.

One result per receipt (:class:`PadesVerdict`), each a catalogue key under
``receipt.pades.*`` with a one-line text in Swedish or English:

* ``unreadable``: not a PDF; ``truncated``: a PDF cut short (no end-of-file marker);
* ``no_signature``: a PDF without a signature;
* ``tampered``: the signed content changed (every signature's digest fails);
* ``one_broken``: of two signatures, one is broken (its digest or its value fails);
* ``updated_after_signing``: an incremental update after the last signature that the
  first signature's DocMDP does not allow (an allowed second signature or a revocation
  data update is told apart by the difference analysis);
* ``revoked``: a signer's certificate is revoked in the lists the PDF or the kiosk holds;
* ``unknown_chain``: a signer's certificate does not chain to the trust anchors;
* ``wrong_signer``: the holder's signature names another person than the receipt, or the
  operator's another operator;
* ``other_card``: the holder signed, but with another card than the receipt's;
* ``ok``: the operator certified and the holder signed, both valid and trusted.

Nothing here raises on bad input: every failure is one of these results.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass, field

from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus

from devices.card.cert_fields import CertificateFieldMap, certificate_facts
from devices.card.certs import HSA_ID, TrustAnchors, holder_common_name, holder_identifier
from devices.card.validation import (
    certificate_from_asn1,
    offline_context,
    offline_context_arguments,
    run_coroutine,
)
from kiosk.receipts.facts import ReceiptFacts
from kiosk.receipts.pades import HOLDER_FIELD, OPERATOR_FIELD
from kiosk.receipts.render import parse_embedded

log = logging.getLogger(__name__)

_ALLOWED_AFTER = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
_ALLOWED_AFTER_CERTIFY = (*_ALLOWED_AFTER, ModificationLevel.FORM_FILLING)
_ANY_SIGNING_USAGE = KeyUsageConstraints(
    key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False
)


@dataclass(frozen=True)
class PadesVerdict:
    """What a receipt's signatures say: ``key`` under ``receipt.pades.*``, its params."""

    key: str
    params: dict[str, str] = field(default_factory=dict)
    facts: ReceiptFacts | None = field(default=None, repr=False)
    holder_with_authentication_key: bool = False
    #: the holder's signature value (the CMS's), to match with the journal on the kiosk
    holder_signature: bytes | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.key == "receipt.pades.ok"


def _verdict(name: str, facts: ReceiptFacts | None = None, **params: str) -> PadesVerdict:
    return PadesVerdict(f"receipt.pades.{name}", dict(params), facts)


def _signed_facts(reader: PdfFileReader, signature: EmbeddedPdfSignature) -> ReceiptFacts | None:
    """The receipt facts in the revision ``signature`` covers (its ``/Keywords``)."""
    try:
        resolver = reader.get_historical_resolver(signature.signed_revision)
        info = resolver.trailer_view.get("/Info")
        keywords = info.get_object().get("/Keywords") if info is not None else None
    except Exception:  # a damaged trailer is "no receipt data", never a traceback
        return None
    embedded = parse_embedded(str(keywords) if keywords is not None else None)
    return embedded.facts if embedded is not None else None


def _status(
    reader: PdfFileReader,
    signature: EmbeddedPdfSignature,
    anchors: TrustAnchors | None,
    crls: tuple[bytes, ...],
) -> PdfSignatureStatus:
    dss = DocumentSecurityStore.read_dss(reader) if "/DSS" in reader.root else None
    moment = signature.self_reported_timestamp
    context = (
        dss.as_validation_context(offline_context_arguments(anchors, crls, moment))
        if dss is not None
        else offline_context(anchors, crls, moment)
    )
    return run_coroutine(
        async_validate_pdf_signature(
            signature,
            signer_validation_context=context,
            diff_policy=DEFAULT_DIFF_POLICY,
            key_usage_settings=_ANY_SIGNING_USAGE,
        )
    )


def _names_holder(cert: x509.Certificate, facts: ReceiptFacts) -> bool:
    """The certificate names the receipt's holder: the same name, the same birth date
    part of the personnummer (the receipt carries it masked) or the same HSA-id form."""
    from kiosk.domain.personnummer import mask_personnummer
    from protocol.identity_number import InvalidIdentityNumberError, parse_identity_number

    if holder_common_name(cert) != facts.holder_name:
        return False
    identifier = holder_identifier(cert)
    if identifier is None:
        return False
    if HSA_ID.fullmatch(identifier):  # the receipt carries no HSA-id: the name decides
        return True
    try:
        today = dt.date.fromisoformat(facts.occurred_at[:10])
        digits = parse_identity_number(identifier, today).digits
        return mask_personnummer(digits) == facts.personnummer_masked
    except (InvalidIdentityNumberError, ValueError):
        return False
    except Exception:  # the domain's refusal of a malformed number
        return False


def verify_pades(
    pdf: bytes,
    *,
    anchors: TrustAnchors | None,
    crls: tuple[bytes, ...] = (),
    fields: CertificateFieldMap | None = None,
) -> PadesVerdict:
    """The one result for a receipt's signatures; never raises on bad input."""
    try:
        return _verify(pdf, anchors, crls, fields or CertificateFieldMap())
    except Exception:
        log.info("receipt signature check: unreadable PDF", exc_info=True)
        return _verdict("unreadable")


def _verify(
    pdf: bytes,
    anchors: TrustAnchors | None,
    crls: tuple[bytes, ...],
    fields: CertificateFieldMap,
) -> PadesVerdict:
    if not pdf.lstrip().startswith(b"%PDF-"):
        return _verdict("unreadable")
    if pdf.rstrip()[-5:] != b"%%EOF":
        return _verdict("truncated")
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    signatures = list(reader.embedded_regular_signatures)
    if not signatures:
        return _verdict("no_signature")
    signatures.sort(key=lambda s: s.signed_revision)
    facts = _signed_facts(reader, signatures[0])
    statuses = [_status(reader, s, anchors, crls) for s in signatures]
    broken = [
        s.field_name
        for s, st in zip(signatures, statuses, strict=True)
        if not st.intact or not st.valid
    ]
    if broken and len(broken) == len(signatures):
        return _verdict("tampered", facts)
    if broken:
        return _verdict("one_broken", facts, field=broken[0], count=str(len(signatures)))
    certified = signatures[0].docmdp_level is not None
    for signature, status in zip(signatures, statuses, strict=True):
        allowed = _ALLOWED_AFTER_CERTIFY if certified else _ALLOWED_AFTER
        if status.modification_level not in allowed or status.docmdp_ok is False:
            return _verdict("updated_after_signing", facts, field=signature.field_name)
    for signature, status in zip(signatures, statuses, strict=True):
        if status.revoked:
            return _verdict("revoked", facts, field=signature.field_name)
    for signature, status in zip(signatures, statuses, strict=True):
        if not status.trusted:
            return _verdict("unknown_chain", facts, field=signature.field_name)
    by_field = {s.field_name: st for s, st in zip(signatures, statuses, strict=True)}
    if facts is None or set(by_field) != {OPERATOR_FIELD, HOLDER_FIELD} or not certified:
        return _verdict("not_receipt_signatures", facts)
    operator_cert = certificate_from_asn1(by_field[OPERATOR_FIELD].signing_cert)
    holder_cert = certificate_from_asn1(by_field[HOLDER_FIELD].signing_cert)
    if facts.operator is not None and holder_identifier(operator_cert) != facts.operator:
        return _verdict("wrong_signer", facts, field=OPERATOR_FIELD)
    if not _names_holder(holder_cert, facts):
        return _verdict("wrong_signer", facts, field=HOLDER_FIELD)
    if certificate_facts([holder_cert], fields).card_number != facts.card_serial:
        return _verdict("other_card", facts, serial=facts.card_serial)
    usage = holder_cert.extensions.get_extension_for_class(x509.KeyUsage).value
    holder_signature = next(s for s in signatures if s.field_name == HOLDER_FIELD)
    return PadesVerdict(
        "receipt.pades.ok",
        {
            "operator": holder_common_name(operator_cert) or "-",
            "holder": facts.holder_name,
        },
        facts,
        holder_with_authentication_key=not usage.content_commitment,
        holder_signature=bytes(holder_signature.signer_info["signature"].native),
    )


def holder_signature_value(pdf: bytes) -> bytes:
    """The signature value of the holder's PDF signature (raises ``ValueError``)."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    for signature in reader.embedded_regular_signatures:
        if signature.field_name == HOLDER_FIELD:
            return bytes(signature.signer_info["signature"].native)
    raise ValueError("no holder signature")

"""``kiosk receipt verify``: is this PDF a genuine receipt of an event in the journal?

Checks, in order, each reported as a finding (ok / fail / info):

1. the PDF carries receipt data (``/Keywords``, see ``kiosk.receipts.render``);
2. the embedded facts hash to the embedded digest (edited metadata fails here);
3. the printed page text shows the facts (an edited page fails here);
4. the event exists in the journal, and the facts rebuilt from the journal and the
   register equal the embedded ones (so the digest recomputed from the journal matches);
5. the holder's signature (activation and return need one): valid for the digest under
   the embedded certificate, the certificate names the holder (subject serialNumber),
   the one path validator when trust anchors are given (chain and dates at signing time,
   the key usage of the slot that signed: nonRepudiation for 9C, digitalSignature for 9A,
   R5; revocation in the kiosk's cached lists), and equal to the signature the journal
   recorded (``receipt.signed``).

pypdf (a runtime dependency) reads the PDF; it is imported with this module, so a missing
pypdf shows when ``kiosk receipt verify`` starts, not half-way through a check.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from clock import local_date
from devices.card.certs import ChainStatus, TrustAnchors
from devices.card.revocation import RevocationCache, load_revocation_lists
from kiosk.i18n import LANGUAGES, Catalogue
from kiosk.receipts.facts import facts_for_event, holder_and_card, receipt_digest
from kiosk.receipts.render import (
    EmbeddedReceipt,
    action_text,
    detail_text,
    local_time,
    parse_embedded,
)
from kiosk.receipts.signature import (
    HolderSignature,
    certificate_chain,
    signature_valid,
    signer_is_holder,
)
from protocol.event_format import parse_timestamp
from store.crl_cache import cached_revocation_lists
from store.database import Store
from store.journal_reads import load_event, recorded_signatures

Status = Literal["ok", "fail", "info"]


@dataclass(frozen=True)
class Finding:
    status: Status
    key: str  # catalogue key under receipt.verify.*
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifyReport:
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return bool(self.findings) and all(f.status != "fail" for f in self.findings)

    def keys(self) -> list[str]:
        return [f.key.removeprefix("receipt.verify.") for f in self.findings]


def read_pdf(pdf: bytes) -> tuple[EmbeddedReceipt | None, str]:
    """The embedded receipt data and the text of all pages (raises ``ValueError``)."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        metadata = reader.metadata
        keywords = metadata.get("/Keywords") if metadata is not None else None
        page_text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, OSError, KeyError, TypeError) as exc:
        raise ValueError(f"not a readable PDF: {type(exc).__name__}") from None
    return parse_embedded(str(keywords) if keywords is not None else None), page_text


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", value)


def _text_mismatches(
    embedded: EmbeddedReceipt, page_text: str, signature: HolderSignature | None
) -> list[str]:
    facts = embedded.facts
    text = Catalogue(embedded.lang if embedded.lang in LANGUAGES else "sv")
    needles = {
        "office_id": facts.office_id,
        "operator": facts.operator or "",
        "occurred_at": local_time(facts.occurred_at),
        "holder_name": facts.holder_name,
        "personnummer_masked": facts.personnummer_masked,
        "card_serial": facts.card_serial,
        "event_type": action_text(text, facts.event_type),
        "event_id": facts.event_id,
        "digest": embedded.digest,
    }
    if facts.product_number:
        needles["product_number"] = facts.product_number
    for name, value in facts.details:
        needles[f"details.{name}"] = detail_text(text, name, value)
    if signature is not None:
        needles["signature_fingerprint"] = signature.fingerprint
    printed = _compact(page_text)
    return [name for name, value in needles.items() if _compact(value) not in printed]


def cached_revocation(store: Store, anchors: TrustAnchors) -> RevocationCache:
    """The revocation lists the kiosk cached from the central, those the anchors signed
    (a list that fails its checks is left out, as the counter leaves it out)."""
    with store.read_only() as session:
        ders = cached_revocation_lists(session).values()
    loaded, _problems = load_revocation_lists(ders, (*anchors.intermediates, *anchors.roots))
    return RevocationCache(loaded)


_CHAIN_FAILURES = {
    ChainStatus.REVOKED: "receipt.verify.signer_revoked",
    ChainStatus.WRONG_USAGE: "receipt.verify.signer_wrong_usage",
}


def verify_receipt(
    pdf: bytes,
    *,
    store: Store,
    office_id: str,
    anchors: TrustAnchors | None = None,
    revocation: RevocationCache | None = None,
) -> VerifyReport:
    """Check a receipt PDF against the journal and the holder's certificate.
    ``revocation``: the lists to check against (default: the store's cached lists)."""
    findings: list[Finding] = []
    try:
        embedded, page_text = read_pdf(pdf)
    except ValueError:
        embedded, page_text = None, ""
    if embedded is None:
        return VerifyReport((Finding("fail", "receipt.verify.not_receipt"),))
    facts = embedded.facts
    signature = embedded.signature
    digest_ok = receipt_digest(facts) == embedded.digest
    findings.append(
        Finding(
            "ok" if digest_ok else "fail",
            "receipt.verify.digest_ok" if digest_ok else "receipt.verify.digest_mismatch",
        )
    )
    missing = _text_mismatches(embedded, page_text, signature)
    findings.append(
        Finding("fail", "receipt.verify.text_mismatch", {"fields": ", ".join(missing)})
        if missing
        else Finding("ok", "receipt.verify.text_ok")
    )

    with store.unit_of_work() as session:
        stored = load_event(session, store.cipher, facts.event_id)
        if stored is None:
            findings.append(
                Finding("fail", "receipt.verify.event_missing", {"event_id": facts.event_id})
            )
            return VerifyReport(tuple(findings))
        event = stored.event
        findings.append(
            Finding(
                "ok",
                "receipt.verify.event_found",
                {"event_id": event.event_id, "event_type": event.event_type},
            )
        )
        rebuilt = facts_for_event(session, store.cipher, event, office_id=office_id)
        holder, _card = holder_and_card(session, store.cipher, event)
        journalled = recorded_signatures(session, store.cipher, facts.event_id)

    ours, theirs = rebuilt.identifying(), facts.identifying()
    differing = sorted(name for name in ours if ours[name] != theirs.get(name))
    if receipt_digest(rebuilt) != embedded.digest and not differing:
        differing = ["digest"]
    findings.append(
        Finding("fail", "receipt.verify.facts_differ", {"fields": ", ".join(differing)})
        if differing
        else Finding("ok", "receipt.verify.facts_match")
    )

    if signature is None:
        if rebuilt.needs_holder_signature:
            findings.append(Finding("fail", "receipt.verify.signature_missing"))
        else:
            findings.append(Finding("info", "receipt.verify.unsigned"))
        return VerifyReport(tuple(findings))

    valid = signature_valid(signature, embedded.digest) and digest_ok
    findings.append(
        Finding("ok", "receipt.verify.signature_ok", {"slot": signature.slot})
        if valid
        else Finding("fail", "receipt.verify.signature_bad")
    )
    signed_on = local_date(parse_timestamp(event.occurred_at))
    mine = signer_is_holder(signature, holder.personnummer, holder.hsa_id, signed_on)
    findings.append(
        Finding("ok", "receipt.verify.signer_matches")
        if mine
        else Finding("fail", "receipt.verify.signer_other")
    )
    if anchors is None:
        findings.append(Finding("info", "receipt.verify.chain_unchecked"))
    else:
        at = parse_timestamp(event.occurred_at)
        if revocation is None:
            revocation = cached_revocation(store, anchors)
        status = certificate_chain(signature, anchors, at, revocation)
        if status is ChainStatus.OK:
            findings.append(Finding("ok", "receipt.verify.chain_ok"))
        elif status in _CHAIN_FAILURES:
            findings.append(Finding("fail", _CHAIN_FAILURES[status], {"slot": signature.slot}))
        else:
            findings.append(Finding("fail", "receipt.verify.chain_bad", {"status": status.value}))
    recorded = [p.get("signature") for p in journalled]
    if not recorded:
        findings.append(Finding("info", "receipt.verify.journal_signature_none"))
    elif signature.to_dict()["signature"] in recorded:
        findings.append(Finding("ok", "receipt.verify.journal_signature_ok"))
    else:
        findings.append(Finding("fail", "receipt.verify.journal_signature_differs"))
    return VerifyReport(tuple(findings))

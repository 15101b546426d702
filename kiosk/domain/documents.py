"""R1: which identity documents the counter accepts, for which visit purpose."""

from __future__ import annotations

from datetime import date

from kiosk.domain.decisions import Decision
from kiosk.domain.types import DocumentKind, IdentityDocument, VisitPurpose
from kiosk.errors import DigitalIdRefusedError, DocumentExpiredError, DocumentNotSwedishError

SWEDEN = frozenset({"SE", "SWE"})

#: Documents that only Swedish authorities issue, whatever the issuing state field says.
SWEDISH_ONLY_KINDS = frozenset(
    {
        DocumentKind.SWEDISH_DRIVING_LICENCE,
        DocumentKind.SIS_ID_CARD,
        DocumentKind.TAX_AGENCY_ID_CARD,
    }
)

PHYSICAL_KINDS = frozenset(DocumentKind) - {DocumentKind.DIGITAL_ID}


def is_swedish(kind: DocumentKind, issuing_state: str) -> bool:
    return kind in SWEDISH_ONLY_KINDS or issuing_state.strip().upper() in SWEDEN


def document_acceptable(
    kind: DocumentKind, issuing_state: str, expiry: date, today: date, purpose: VisitPurpose
) -> Decision:
    """R1. Digital ids never; an expired document never (valid through its expiry date);
    activation takes any physical kind; an in-person unlock needs a Swedish document."""
    if kind not in PHYSICAL_KINDS:
        return Decision.refuse(DigitalIdRefusedError())
    if is_expired(expiry, today):
        return Decision.refuse(DocumentExpiredError(expiry=expiry.isoformat()))
    return kind_acceptable(kind, issuing_state, purpose)


def is_expired(expiry: date, today: date) -> bool:
    """R1: a document is valid through its expiry date."""
    return expiry < today


def kind_acceptable(kind: DocumentKind, issuing_state: str, purpose: VisitPurpose) -> Decision:
    """R1 without the expiry: digital ids never; an in-person unlock needs a Swedish
    document. (``document_acceptable`` refuses a digital id before an expired one.)"""
    if kind not in PHYSICAL_KINDS:
        return Decision.refuse(DigitalIdRefusedError())
    if purpose is VisitPurpose.UNLOCK and not is_swedish(kind, issuing_state):
        return Decision.refuse(DocumentNotSwedishError())
    return Decision.ok()


def check_document(document: IdentityDocument, today: date, purpose: VisitPurpose) -> None:
    """``document_acceptable`` for a document object; raises the refusal."""
    document_acceptable(
        document.kind, document.issuing_state, document.expiry, today, purpose
    ).require()

"""R1: a valid physical document; Swedish for an in-person unlock; never a digital id."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.domain.documents import check_document, document_acceptable, is_expired, kind_acceptable
from kiosk.domain.types import DocumentKind, IdentityDocument, VisitPurpose
from kiosk.errors import DigitalIdRefusedError, DocumentExpiredError, DocumentNotSwedishError

TODAY = date(2026, 3, 15)
FUTURE = date(2030, 1, 1)
PHYSICAL = [k for k in DocumentKind if k is not DocumentKind.DIGITAL_ID]


@pytest.mark.parametrize("kind", PHYSICAL)
def test_r1_activation_accepts_every_physical_kind(kind: DocumentKind) -> None:
    assert document_acceptable(kind, "SWE", FUTURE, TODAY, VisitPurpose.ACTIVATION).allowed


def test_r1_activation_accepts_a_foreign_passport() -> None:
    assert document_acceptable(DocumentKind.PASSPORT, "NOR", FUTURE, TODAY, VisitPurpose.ACTIVATION)


@pytest.mark.parametrize("purpose", list(VisitPurpose))
def test_r1_digital_id_is_always_refused(purpose: VisitPurpose) -> None:
    decision = document_acceptable(DocumentKind.DIGITAL_ID, "SWE", FUTURE, TODAY, purpose)
    assert not decision
    assert isinstance(decision.refusal, DigitalIdRefusedError)
    with pytest.raises(DigitalIdRefusedError):
        decision.require()


@pytest.mark.parametrize("purpose", list(VisitPurpose))
def test_r1_expired_document_is_refused(purpose: VisitPurpose) -> None:
    yesterday = date(2026, 3, 14)
    decision = document_acceptable(DocumentKind.PASSPORT, "SWE", yesterday, TODAY, purpose)
    assert isinstance(decision.refusal, DocumentExpiredError)
    assert decision.refusal.params == {"expiry": "2026-03-14"}


def test_r1_document_is_valid_through_its_expiry_date() -> None:
    assert document_acceptable(DocumentKind.PASSPORT, "SWE", TODAY, TODAY, VisitPurpose.ACTIVATION)


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        (DocumentKind.PASSPORT, "SWE"),
        (DocumentKind.PASSPORT, "se"),
        (DocumentKind.NATIONAL_ID_CARD, "SWE"),
        (DocumentKind.SWEDISH_DRIVING_LICENCE, ""),
        (DocumentKind.SIS_ID_CARD, "SWE"),
        (DocumentKind.TAX_AGENCY_ID_CARD, "SE"),
    ],
)
def test_r1_in_person_unlock_accepts_swedish_documents(kind: DocumentKind, state: str) -> None:
    assert document_acceptable(kind, state, FUTURE, TODAY, VisitPurpose.UNLOCK)


@pytest.mark.parametrize("kind", [DocumentKind.PASSPORT, DocumentKind.NATIONAL_ID_CARD])
def test_r1_in_person_unlock_refuses_foreign_documents(kind: DocumentKind) -> None:
    decision = document_acceptable(kind, "FIN", FUTURE, TODAY, VisitPurpose.UNLOCK)
    assert isinstance(decision.refusal, DocumentNotSwedishError)


def test_r1_check_document_raises_the_refusal() -> None:
    expired = IdentityDocument(DocumentKind.SIS_ID_CARD, "SWE", date(2020, 1, 1))
    with pytest.raises(DocumentExpiredError):
        check_document(expired, TODAY, VisitPurpose.ACTIVATION)
    check_document(
        IdentityDocument(DocumentKind.PASSPORT, "SWE", FUTURE), TODAY, VisitPurpose.ACTIVATION
    )


def test_r1_refusals_come_in_order_digital_then_expired_then_not_swedish() -> None:
    yesterday = date(2026, 3, 14)
    unlock = VisitPurpose.UNLOCK
    digital = document_acceptable(DocumentKind.DIGITAL_ID, "FIN", yesterday, TODAY, unlock)
    assert isinstance(digital.refusal, DigitalIdRefusedError)
    foreign = document_acceptable(DocumentKind.PASSPORT, "FIN", yesterday, TODAY, unlock)
    assert isinstance(foreign.refusal, DocumentExpiredError)


def test_r1_kind_acceptable_leaves_out_the_expiry() -> None:
    unlock = VisitPurpose.UNLOCK
    assert kind_acceptable(DocumentKind.PASSPORT, "SWE", unlock)
    assert isinstance(
        kind_acceptable(DocumentKind.PASSPORT, "FIN", unlock).refusal, DocumentNotSwedishError
    )
    assert kind_acceptable(DocumentKind.PASSPORT, "FIN", VisitPurpose.ACTIVATION)
    assert isinstance(
        kind_acceptable(DocumentKind.DIGITAL_ID, "SWE", VisitPurpose.ACTIVATION).refusal,
        DigitalIdRefusedError,
    )
    assert is_expired(date(2026, 3, 14), TODAY)
    assert not is_expired(TODAY, TODAY)

"""The identity check service: R1 decisions, matching, and the stored record."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from kiosk.documents import mrz_compose
from kiosk.documents.errors import RefusalFinalError
from kiosk.documents.kinds import DocumentKind
from kiosk.domain.types import VisitPurpose
from kiosk.services.identity import (
    CHECK_BIRTH_DATE,
    CHECK_EXPIRY,
    CHECK_KIND,
    CHECK_NAME,
    CHECK_PERSONNUMMER,
    CHECK_ZONE,
    REASON_DIGITAL_ID,
    REASON_EXPIRED,
    REASON_NAME,
    REASON_NOT_SWEDISH,
    REASON_PERSONNUMMER,
    REASON_ZONE,
    CheckStatus,
    Holder,
    IdentityCheckService,
    IdentityResult,
    IdentityVerdict,
)
from tests.unit.documents.identity_support import (
    ASA,
    JONS,
    KARI,
    NOW,
    Recorder,
    manual,
    scanned,
)
from tests.unit.documents.zones import (
    FOREIGN_PASSPORT,
    SPECIMEN_TD3,
    SWEDISH_ID_CARD,
    SWEDISH_PASSPORT,
    TODAY,
)

# --- R1 -------------------------------------------------------------------------------


@pytest.mark.parametrize("purpose", [VisitPurpose.ACTIVATION, VisitPurpose.UNLOCK])
def test_r1_digital_id_is_refused_with_the_reason(
    service: IdentityCheckService, purpose: VisitPurpose
) -> None:
    report = service.check(manual(DocumentKind.DIGITAL_ID), ASA, purpose, TODAY)
    assert report.verdict is IdentityVerdict.REFUSED
    line = report.check(CHECK_KIND)
    assert line.status is CheckStatus.FAILED and line.reason_key == REASON_DIGITAL_ID
    assert REASON_DIGITAL_ID in report.reasons


def test_r1_digital_id_kind_cannot_be_claimed_for_a_scanned_zone(
    service: IdentityCheckService,
) -> None:
    report = service.check(
        scanned(SWEDISH_PASSPORT), ASA, VisitPurpose.ACTIVATION, TODAY, kind=DocumentKind.DIGITAL_ID
    )
    assert report.verdict is IdentityVerdict.REFUSED


@pytest.mark.parametrize("purpose", [VisitPurpose.ACTIVATION, VisitPurpose.UNLOCK])
def test_r1_expired_document_is_refused(
    service: IdentityCheckService, purpose: VisitPurpose
) -> None:
    report = service.check(scanned(SWEDISH_PASSPORT), ASA, purpose, date(2031, 7, 1))
    assert report.verdict is IdentityVerdict.REFUSED
    assert report.check(CHECK_EXPIRY).reason_key == REASON_EXPIRED
    # A zone that is only expired is still well read: the zone check itself passes.
    assert report.check(CHECK_ZONE).status is CheckStatus.PASSED


def test_r1_published_specimen_is_refused_as_expired(service: IdentityCheckService) -> None:
    holder = Holder(None, "Eriksson", "Anna Maria")
    report = service.check(scanned(SPECIMEN_TD3), holder, VisitPurpose.ACTIVATION, TODAY)
    assert report.verdict is IdentityVerdict.REFUSED
    assert report.reasons == (REASON_EXPIRED,)


def test_r1_manual_entry_past_expiry_is_refused(service: IdentityCheckService) -> None:
    entry = manual(DocumentKind.SWEDISH_DRIVING_LICENCE, expiry_date=date(2026, 11, 27))
    report = service.check(entry, ASA, VisitPurpose.ACTIVATION, TODAY)
    assert report.check(CHECK_EXPIRY).reason_key == REASON_EXPIRED
    assert report.verdict is IdentityVerdict.REFUSED


def test_r1_unlock_refuses_a_foreign_document(service: IdentityCheckService) -> None:
    report = service.check(scanned(FOREIGN_PASSPORT), KARI, VisitPurpose.UNLOCK, TODAY)
    assert report.verdict is IdentityVerdict.REFUSED
    assert report.check(CHECK_KIND).reason_key == REASON_NOT_SWEDISH


def test_r1_activation_accepts_a_valid_foreign_passport(service: IdentityCheckService) -> None:
    report = service.check(scanned(FOREIGN_PASSPORT), KARI, VisitPurpose.ACTIVATION, TODAY)
    assert report.verdict is IdentityVerdict.MATCH
    assert report.check(CHECK_PERSONNUMMER).status is CheckStatus.NOT_APPLICABLE


@pytest.mark.parametrize("lines", [SWEDISH_PASSPORT, SWEDISH_ID_CARD])
def test_r1_unlock_accepts_a_valid_swedish_zone(
    service: IdentityCheckService, lines: tuple[str, ...]
) -> None:
    holder = ASA if lines is SWEDISH_PASSPORT else JONS
    report = service.check(scanned(lines), holder, VisitPurpose.UNLOCK, TODAY)
    assert report.verdict is IdentityVerdict.MATCH, report.reasons
    assert report.issuing_state == "SWE"
    assert report.check(CHECK_PERSONNUMMER).status is CheckStatus.PASSED


@pytest.mark.parametrize(
    "kind",
    [
        DocumentKind.SWEDISH_DRIVING_LICENCE,
        DocumentKind.SIS_ID_CARD,
        DocumentKind.TAX_AGENCY_ID_CARD,
        DocumentKind.PASSPORT,
        DocumentKind.NATIONAL_ID_CARD,
    ],
)
@pytest.mark.parametrize("purpose", [VisitPurpose.ACTIVATION, VisitPurpose.UNLOCK])
def test_r1_every_physical_swedish_kind_is_accepted(
    service: IdentityCheckService, kind: DocumentKind, purpose: VisitPurpose
) -> None:
    report = service.check(manual(kind), ASA, purpose, TODAY)
    assert report.verdict is IdentityVerdict.MATCH, report.reasons
    assert report.kind is kind


def test_r1_swedish_only_kinds_are_swedish_whatever_is_typed() -> None:
    assert manual(DocumentKind.SIS_ID_CARD, issuing_state="NOR").issuing_state == "SWE"
    assert manual(DocumentKind.PASSPORT, issuing_state="nor").issuing_state == "NOR"
    assert manual(DocumentKind.PASSPORT, issuing_state="se").issuing_state == "SWE"


def test_r1_unlock_refuses_a_typed_foreign_passport(service: IdentityCheckService) -> None:
    entry = manual(DocumentKind.PASSPORT, issuing_state="FIN", personnummer=None)
    report = service.check(entry, ASA, VisitPurpose.UNLOCK, TODAY)
    assert report.check(CHECK_KIND).reason_key == REASON_NOT_SWEDISH


def test_r1_a_zone_with_a_failing_check_digit_is_refused(service: IdentityCheckService) -> None:
    lines = (SWEDISH_PASSPORT[0], SWEDISH_PASSPORT[1][:3] + "8" + SWEDISH_PASSPORT[1][4:])
    report = service.check(scanned(lines), ASA, VisitPurpose.ACTIVATION, TODAY)
    assert report.verdict is IdentityVerdict.REFUSED
    assert report.check(CHECK_ZONE).reason_key == REASON_ZONE


def test_r1_refusal_cannot_be_overridden_by_a_reason(
    service: IdentityCheckService, recorder: Recorder
) -> None:
    report = service.check(manual(DocumentKind.DIGITAL_ID), ASA, VisitPurpose.ACTIVATION, TODAY)
    with pytest.raises(RefusalFinalError):
        service.confirm(report, photo_matches=True, operator="op1", now=NOW, reason="known")
    assert recorder.records == []
    confirmed = service.confirm(report, photo_matches=True, operator="op1", now=NOW)
    assert confirmed.record.result is IdentityResult.REFUSED
    assert not confirmed.may_continue


def test_r1_unknown_document_code_is_refused(service: IdentityCheckService) -> None:
    fields = mrz_compose.ZoneFields(
        "V", "SWE", "X1", "SWE", "Öberg", "Åsa", date(1985, 3, 12), date(2030, 1, 1)
    )
    report = service.check(
        scanned(mrz_compose.compose("TD3", fields)), ASA, VisitPurpose.ACTIVATION, TODAY
    )
    assert report.verdict is IdentityVerdict.REFUSED
    assert report.check(CHECK_KIND).status is CheckStatus.FAILED


# --- matching -------------------------------------------------------------------------


def test_personnummer_of_someone_else_is_refused(service: IdentityCheckService) -> None:
    other = dataclasses.replace(ASA, personnummer="199207045486")
    report = service.check(scanned(SWEDISH_PASSPORT), other, VisitPurpose.ACTIVATION, TODAY)
    assert report.verdict is IdentityVerdict.REFUSED
    assert report.check(CHECK_PERSONNUMMER).reason_key == REASON_PERSONNUMMER


@pytest.mark.parametrize(
    ("surname", "given"),
    [
        ("Öberg", "Åsa Linnéa"),
        ("ÖBERG", "Åsa"),  # a holder registered with fewer given names
        ("Öberg", "Åsa-Linnéa"),
    ],
)
def test_name_matches_after_transliteration(
    service: IdentityCheckService, surname: str, given: str
) -> None:
    holder = Holder("198503122387", surname, given)
    report = service.check(scanned(SWEDISH_PASSPORT), holder, VisitPurpose.ACTIVATION, TODAY)
    assert report.check(CHECK_NAME).status is CheckStatus.PASSED


def test_issuer_writing_names_without_icao_transliteration_matches(
    service: IdentityCheckService,
) -> None:
    lines = (
        "P<SWEOBERG<<ASA<LINNEA<<<<<<<<<<<<<<<<<<<<<<",  # Ö→O, Å→A instead of OE, AA
        SWEDISH_PASSPORT[1],
    )
    report = service.check(scanned(lines), ASA, VisitPurpose.ACTIVATION, TODAY)
    assert report.check(CHECK_NAME).status is CheckStatus.PASSED
    other = Holder("198503122387", "Olsson", "Åsa")
    assert service.check(scanned(lines), other, VisitPurpose.ACTIVATION, TODAY).verdict is (
        IdentityVerdict.MISMATCH
    )


def test_truncated_name_field_matches_by_prefix(service: IdentityCheckService) -> None:
    holder = Holder(None, "Wolfeschlegelsteinhausenbergerdorff", "Hubert Blaine Charles")
    fields = mrz_compose.ZoneFields(
        "P", "UTO", "X1", "UTO", holder.surname, holder.given_names, date(1970, 1, 1),
        date(2030, 1, 1),
    )  # fmt: skip
    lines = mrz_compose.compose("TD3", fields)
    assert not lines[0].endswith("<")
    report = service.check(scanned(lines), holder, VisitPurpose.ACTIVATION, TODAY)
    assert report.check(CHECK_NAME).status is CheckStatus.PASSED


def test_other_name_is_a_soft_mismatch(service: IdentityCheckService) -> None:
    holder = Holder("198503122387", "Andersson", "Åsa")
    report = service.check(scanned(SWEDISH_PASSPORT), holder, VisitPurpose.ACTIVATION, TODAY)
    assert report.verdict is IdentityVerdict.MISMATCH
    assert report.check(CHECK_NAME).reason_key == REASON_NAME


def test_birth_date_mismatch_is_soft(service: IdentityCheckService) -> None:
    holder = Holder(None, "Öberg", "Åsa")
    entry = manual(DocumentKind.PASSPORT, personnummer=None, birth_date=date(1985, 3, 13))
    holder = Holder("198503122387", "Öberg", "Åsa")
    report = service.check(entry, holder, VisitPurpose.ACTIVATION, TODAY)
    assert report.check(CHECK_BIRTH_DATE).status is CheckStatus.FAILED
    assert report.verdict is IdentityVerdict.MISMATCH


def test_coordination_number_birth_date() -> None:
    from kiosk.services.identity import holder_birth_date

    assert holder_birth_date("198503722385") == date(1985, 3, 12)
    assert holder_birth_date("not-a-number") is None

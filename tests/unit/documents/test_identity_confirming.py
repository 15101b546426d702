"""The identity check confirmed: the photo likeness, reasons for deviations, what is recorded."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from datetime import date

import pytest

from kiosk.documents.errors import PhotoMismatchFinalError, ReasonRequiredError
from kiosk.domain.types import VisitPurpose
from kiosk.services.identity import (
    Holder,
    IdentityCheckService,
    IdentityResult,
    document_number_hash,
)
from tests.unit.documents.identity_support import (
    ASA,
    KEY,
    NOW,
    Recorder,
    scanned,
)
from tests.unit.documents.zones import (
    SWEDISH_PASSPORT,
    TODAY,
)

# --- R1 -------------------------------------------------------------------------------


# --- confirming -----------------------------------------------------------------------


def test_match_with_photo_likeness_is_approved_and_recorded(
    service: IdentityCheckService, recorder: Recorder
) -> None:
    report = service.check(scanned(SWEDISH_PASSPORT), ASA, VisitPurpose.UNLOCK, TODAY)
    confirmed = service.confirm(report, photo_matches=True, operator="clerk-7", now=NOW)
    assert confirmed.event_id == "event-1"
    assert confirmed.may_continue
    record = recorder.records[0]
    assert record == confirmed.record
    assert record.result is IdentityResult.APPROVED
    assert record.kind == "passport"
    assert record.issuing_state == "SWE"
    assert record.expiry_date == date(2031, 6, 30)
    assert record.operator == "clerk-7"
    assert record.checked_at == NOW
    assert record.purpose == "unlock"
    expected = hmac.new(KEY, b"SWE\x1fAB1234567", hashlib.sha256).hexdigest()
    assert record.document_number_hash == expected


def test_record_never_holds_the_document_number_in_clear(
    service: IdentityCheckService, recorder: Recorder
) -> None:
    report = service.check(scanned(SWEDISH_PASSPORT), ASA, VisitPurpose.ACTIVATION, TODAY)
    service.confirm(report, photo_matches=True, operator="clerk-7", now=NOW)
    values = " ".join(str(v) for v in dataclasses.asdict(recorder.records[0]).values())
    assert "AB1234567" not in values
    assert "198503122387" not in values
    assert "AB1234567" not in repr(report)


def test_hash_depends_on_the_key() -> None:
    assert document_number_hash(b"a", "SWE", "AB1") != document_number_hash(b"b", "SWE", "AB1")
    assert document_number_hash(b"a", "SWE", "ab 1") == document_number_hash(b"a", "SWE", "AB1")
    with pytest.raises(ValueError):
        document_number_hash(b"", "SWE", "AB1")


def test_mismatch_without_reason_ends_the_check(
    service: IdentityCheckService, recorder: Recorder
) -> None:
    holder = Holder("198503122387", "Andersson", "Åsa")
    report = service.check(scanned(SWEDISH_PASSPORT), holder, VisitPurpose.ACTIVATION, TODAY)
    confirmed = service.confirm(report, photo_matches=True, operator="c", now=NOW)
    assert confirmed.record.result is IdentityResult.ENDED
    assert not confirmed.may_continue
    assert len(recorder.records) == 1


def test_mismatch_with_reason_continues(service: IdentityCheckService) -> None:
    holder = Holder("198503122387", "Andersson", "Åsa")
    report = service.check(scanned(SWEDISH_PASSPORT), holder, VisitPurpose.ACTIVATION, TODAY)
    confirmed = service.confirm(
        report, photo_matches=True, operator="c", now=NOW, reason="Name changed at marriage"
    )
    assert confirmed.record.result is IdentityResult.APPROVED_WITH_REASON
    assert confirmed.record.reason == "Name changed at marriage"
    assert confirmed.may_continue


def test_blank_reason_is_rejected(service: IdentityCheckService, recorder: Recorder) -> None:
    holder = Holder("198503122387", "Andersson", "Åsa")
    report = service.check(scanned(SWEDISH_PASSPORT), holder, VisitPurpose.ACTIVATION, TODAY)
    with pytest.raises(ReasonRequiredError):
        service.confirm(report, photo_matches=True, operator="c", now=NOW, reason="  ")
    assert recorder.records == []


def test_r1_photo_mismatch_refuses_and_no_reason_overrides_it(
    service: IdentityCheckService, recorder: Recorder
) -> None:
    report = service.check(scanned(SWEDISH_PASSPORT), ASA, VisitPurpose.ACTIVATION, TODAY)
    refused = service.confirm(report, photo_matches=False, operator="c", now=NOW)
    assert refused.record.result is IdentityResult.REFUSED
    assert refused.record.photo_matches is False
    assert not refused.may_continue
    with pytest.raises(PhotoMismatchFinalError):
        service.confirm(
            report, photo_matches=False, operator="c", now=NOW, reason="Photo 9 years old"
        )
    assert len(recorder.records) == 1


def test_r1_only_name_and_birth_date_may_be_overridden_with_a_reason() -> None:
    from kiosk.domain.deviations import OVERRIDABLE, Deviation, may_override

    assert {Deviation.NAME, Deviation.BIRTH_DATE} == OVERRIDABLE
    assert not may_override(Deviation.PHOTO)
    assert not may_override("personnummer")


def test_r1_report_lists_its_overridable_deviations(service: IdentityCheckService) -> None:
    from kiosk.domain.deviations import Deviation

    holder = Holder("198503122387", "Andersson", "Åsa")
    report = service.check(scanned(SWEDISH_PASSPORT), holder, VisitPurpose.ACTIVATION, TODAY)
    assert report.deviations == (Deviation.NAME,)


def test_holder_repr_hides_personal_data() -> None:
    assert "198503122387" not in repr(ASA)
    assert "Öberg" not in repr(ASA)


def test_service_needs_a_key(recorder: Recorder) -> None:
    with pytest.raises(ValueError):
        IdentityCheckService(recorder, b"")

"""Visas (document code V, MRV-A 2×44 and MRV-B 2×36) are read as visas, not as passports
or TD2 documents, and are refused as identity documents (R1)."""

from __future__ import annotations

import pytest

from kiosk.documents import mrz
from kiosk.documents.errors import VisaNotIdentityDocumentError
from kiosk.domain.types import VisitPurpose
from kiosk.i18n import Catalogue
from kiosk.services.identity import (
    CHECK_KIND,
    CHECK_ZONE,
    REASON_VISA,
    CheckStatus,
    Holder,
    IdentityCheckRecord,
    IdentityCheckService,
    IdentityVerdict,
)
from tests.unit.documents.zones import TODAY

# The ICAO 9303 part 7 specimens (expiry 1996: parsed on a day before it).
MRV_A = (
    "VNUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
)
MRV_B = (
    "VNUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "L8988901C4XXX4009078F9612109<<<<<<<<",
)
BEFORE_EXPIRY = TODAY.replace(year=1995)
ANNA = Holder(personnummer=None, surname="Eriksson", given_names="Anna Maria")


class _Recorder:
    def record(self, record: IdentityCheckRecord) -> str:
        return "event"


@pytest.mark.parametrize(("lines", "fmt"), [(MRV_A, mrz.MRVA), (MRV_B, mrz.MRVB)])
def test_visa_zones_are_read_as_visas_with_their_check_digits_right(
    lines: tuple[str, ...], fmt: str
) -> None:
    result = mrz.parse(lines, BEFORE_EXPIRY)
    assert result.format == fmt
    assert result.is_visa
    assert result.checks_ok, result.checks
    assert mrz.CHECK_COMPOSITE not in result.checks  # visas have no composite digit
    assert result.valid, result.errors
    assert (result.document_number, result.nationality) == ("L8988901C", "XXX")
    assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
    if fmt == mrz.MRVA:
        assert result.optional_data == "6ZE184226B"


def test_a_wrong_visa_check_digit_is_still_reported() -> None:
    l1, l2 = MRV_A
    result = mrz.parse((l1, l2[:9] + "5" + l2[10:]), BEFORE_EXPIRY)
    assert result.checks == {
        mrz.CHECK_DOCUMENT_NUMBER: False,
        mrz.CHECK_BIRTH_DATE: True,
        mrz.CHECK_EXPIRY_DATE: True,
    }


@pytest.mark.parametrize("purpose", [VisitPurpose.ACTIVATION, VisitPurpose.UNLOCK])
@pytest.mark.parametrize("lines", [MRV_A, MRV_B])
def test_r1_a_visa_is_refused_as_not_an_identity_document(
    lines: tuple[str, ...], purpose: VisitPurpose
) -> None:
    service = IdentityCheckService(_Recorder(), b"k" * 32)
    report = service.check(mrz.parse(lines, BEFORE_EXPIRY), ANNA, purpose, BEFORE_EXPIRY)
    assert report.verdict is IdentityVerdict.REFUSED
    assert report.check(CHECK_ZONE).status is CheckStatus.PASSED  # not "check digits wrong"
    kind = report.check(CHECK_KIND)
    assert kind.status is CheckStatus.FAILED and kind.reason_key == REASON_VISA
    assert report.reasons == (REASON_VISA,)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_r1_the_visa_texts_say_a_visa_is_not_an_identity_document(lang: str) -> None:
    t = Catalogue(lang)
    word = {"sv": "visum", "en": "visa"}[lang]
    assert word in t(REASON_VISA).lower()
    assert word in t.error(VisaNotIdentityDocumentError()).lower()

"""Accepted document kinds (R1) and how each is read."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.documents.errors import ManualEntryIncompleteError, UnknownDocumentKindError
from kiosk.documents.kinds import (
    KIND_RULES,
    DocumentKind,
    ManualEntry,
    Reading,
    kind_from_document_code,
    rule_for,
)


def test_r1_the_list_holds_every_accepted_kind_and_digital_id() -> None:
    assert set(KIND_RULES) == {
        DocumentKind.PASSPORT,
        DocumentKind.NATIONAL_ID_CARD,
        DocumentKind.SWEDISH_DRIVING_LICENCE,
        DocumentKind.SIS_ID_CARD,
        DocumentKind.TAX_AGENCY_ID_CARD,
        DocumentKind.DIGITAL_ID,
    }


def test_r1_digital_id_is_listed_only_to_be_refused() -> None:
    rule = rule_for(DocumentKind.DIGITAL_ID)
    assert not rule.physical
    assert rule.refusal_key == "documents.refusal.digital_id"
    assert all(r.physical for k, r in KIND_RULES.items() if k is not DocumentKind.DIGITAL_ID)


def test_how_each_kind_is_read() -> None:
    assert rule_for("passport").reading is Reading.MRZ
    assert rule_for("national_id_card").reading is Reading.MRZ
    assert rule_for("swedish_driving_licence").reading is Reading.MANUAL
    assert rule_for("sis_id_card").reading is Reading.MANUAL
    assert rule_for("tax_agency_id_card").reading is Reading.MANUAL
    # A zone the scanner cannot read may be typed instead.
    assert rule_for("passport").manual_fallback


def test_unknown_kind_is_a_typed_error() -> None:
    with pytest.raises(UnknownDocumentKindError):
        rule_for("library_card")


@pytest.mark.parametrize(
    ("code", "kind"),
    [("P", "passport"), ("PD", "passport"), ("I", "national_id_card"), ("ID", "national_id_card"),
     ("AC", "national_id_card"), ("V", None)],
)  # fmt: skip
def test_kind_from_document_code(code: str, kind: str | None) -> None:
    found = kind_from_document_code(code)
    assert (found.value if found else None) == kind


def test_manual_entry_requires_the_printed_fields() -> None:
    with pytest.raises(ManualEntryIncompleteError) as info:
        ManualEntry(DocumentKind.SIS_ID_CARD, "SWE", " ", "Öberg", "Åsa", None)
    assert info.value.params["missing"] == "document_number, expiry_date"


def test_manual_entry_repr_hides_personal_data() -> None:
    entry = ManualEntry(
        DocumentKind.PASSPORT, "SWE", "AB123", "Öberg", "Åsa", date(2030, 1, 1),
        date(1985, 3, 12), "198503122387",
    )  # fmt: skip
    for secret in ("AB123", "Öberg", "Åsa", "198503122387", "1985"):
        assert secret not in repr(entry)

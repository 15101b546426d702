"""The identity document kinds a card office accepts (R1) and how each is read.

R1: activation and in-person unlock need a valid *physical* identity document; digital
ids (BankID, Freja eID and the like) are never accepted and appear in the list only so
that the kiosk can refuse them with the reason. An in-person unlock needs a *Swedish*
document. Documents with a machine-readable zone are scanned; the others are typed in
by the clerk (``ManualEntry``), and a zone the scanner cannot read can be typed as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kiosk.documents.errors import ManualEntryIncompleteError, UnknownDocumentKindError
from kiosk.domain.documents import PHYSICAL_KINDS, SWEDISH_ONLY_KINDS
from kiosk.domain.types import DocumentKind


class Reading(StrEnum):
    MRZ = "mrz"  # held under the serial MRZ scanner
    MANUAL = "manual"  # details typed by the clerk


@dataclass(frozen=True)
class KindRule:
    kind: DocumentKind
    reading: Reading
    manual_fallback: bool  # may the clerk type it when the zone cannot be read
    label_key: str
    refusal_key: str | None = None

    @property
    def physical(self) -> bool:
        return self.kind in PHYSICAL_KINDS

    @property
    def always_swedish(self) -> bool:
        """Issued only by Swedish authorities or SIS-certified issuers."""
        return self.kind in SWEDISH_ONLY_KINDS


KIND_RULES: dict[DocumentKind, KindRule] = {
    DocumentKind.PASSPORT: KindRule(
        DocumentKind.PASSPORT, Reading.MRZ, True, "documents.kind.passport"
    ),
    DocumentKind.NATIONAL_ID_CARD: KindRule(
        DocumentKind.NATIONAL_ID_CARD, Reading.MRZ, True, "documents.kind.national_id_card"
    ),
    DocumentKind.SWEDISH_DRIVING_LICENCE: KindRule(
        DocumentKind.SWEDISH_DRIVING_LICENCE,
        Reading.MANUAL,
        True,
        "documents.kind.swedish_driving_licence",
    ),
    DocumentKind.SIS_ID_CARD: KindRule(
        DocumentKind.SIS_ID_CARD, Reading.MANUAL, True, "documents.kind.sis_id_card"
    ),
    DocumentKind.TAX_AGENCY_ID_CARD: KindRule(
        DocumentKind.TAX_AGENCY_ID_CARD, Reading.MANUAL, True, "documents.kind.tax_agency_id_card"
    ),
    DocumentKind.DIGITAL_ID: KindRule(
        DocumentKind.DIGITAL_ID,
        Reading.MANUAL,
        False,
        "documents.kind.digital_id",
        refusal_key="documents.refusal.digital_id",
    ),
}


def rule_for(kind: DocumentKind | str) -> KindRule:
    try:
        return KIND_RULES[DocumentKind(kind)]
    except ValueError:
        raise UnknownDocumentKindError(kind=str(kind)[:40]) from None


def kind_from_document_code(document_code: str) -> DocumentKind | None:
    """The kind a zone's document code announces: P… passport; I…, A…, C… id card."""
    first = document_code[:1]
    if first == "P":
        return DocumentKind.PASSPORT
    if first in ("I", "A", "C"):
        return DocumentKind.NATIONAL_ID_CARD
    return None


@dataclass(frozen=True)
class ManualEntry:
    """Document details typed by the clerk (no zone, or a zone the scanner cannot read).

    Swedish-only kinds (driving licence, SIS-marked card, tax agency card) have issuing
    state ``SWE`` whatever is typed. Personal fields stay out of ``repr``.
    """

    kind: DocumentKind
    issuing_state: str
    document_number: str = field(repr=False)
    surname: str = field(repr=False)
    given_names: str = field(repr=False)
    expiry_date: date | None
    birth_date: date | None = field(default=None, repr=False)
    personnummer: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        rule = rule_for(self.kind)
        object.__setattr__(self, "kind", rule.kind)
        state = "SWE" if rule.always_swedish else self.issuing_state.strip().upper()
        state = {"SE": "SWE", "D<<": "D"}.get(state, state)
        object.__setattr__(self, "issuing_state", state)
        if not rule.physical:
            return  # a digital id is refused by the identity check, whatever is typed
        missing = [
            name
            for name, value in (
                ("issuing_state", state),
                ("document_number", self.document_number.strip()),
                ("surname", self.surname.strip()),
                ("expiry_date", self.expiry_date),
            )
            if not value
        ]
        if missing:
            raise ManualEntryIncompleteError(missing=", ".join(missing))


# DocumentKind is the domain's one enum, re-exported for readers of documents.
__all__ = [
    "KIND_RULES",
    "DocumentKind",
    "KindRule",
    "ManualEntry",
    "Reading",
    "kind_from_document_code",
    "rule_for",
]

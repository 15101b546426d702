"""The identity check at the counter: does this document prove this holder (R1)?

``IdentityCheckService.check`` compares a document reading (a scanned zone or details the
clerk typed) with the holder on record for a visit purpose (activation or in-person unlock) and
returns a per-check report with a verdict:

* ``refused`` (hard, R1): a check digit or zone problem, an expired or undated document,
  a digital id, a non-Swedish document for an unlock, a document of unknown kind, or a
  personnummer on the document that is not the holder's. No reason overrides these.
* ``mismatch`` (soft): the name (after ICAO transliteration) or the birth date does not
  match: the deviations ``kiosk.domain.deviations.OVERRIDABLE`` lists. The clerk may
  continue only by giving a reason; otherwise the check ends.
* ``match``: every applicable check passed.

``confirm`` adds the clerk's photo-likeness judgement (a photo that is not the person at
the counter refuses the check: no reason overrides it), decides the result and records it
through an ``IdentityCheckRecorder``: kind, issuing state, a keyed HMAC of the document
number (never the number itself), expiry, result, operator and time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from kiosk.documents import transliteration
from kiosk.documents.errors import PhotoMismatchFinalError as PhotoFinalError
from kiosk.documents.errors import ReasonRequiredError, RefusalFinalError
from kiosk.documents.kinds import DocumentKind, ManualEntry, kind_from_document_code
from kiosk.documents.mrz import PROBLEM_EXPIRED, MrzResult
from kiosk.documents.numbers import document_number_hash, holder_birth_date
from kiosk.domain.deviations import Deviation, may_override
from kiosk.domain.documents import is_expired, kind_acceptable
from kiosk.domain.types import VisitPurpose
from kiosk.errors import (
    DigitalIdRefusedError,
    DocumentNotSwedishError,
    DomainError,
)

DocumentReading = MrzResult | ManualEntry


class CheckStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"


class IdentityVerdict(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"  # soft: a reason lets the clerk continue
    REFUSED = "refused"  # hard: R1 or a wrong person; nothing overrides it


class IdentityResult(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_REASON = "approved_with_reason"
    ENDED = "ended"  # a soft mismatch and no reason: the check ends
    REFUSED = "refused"


# Check names, in report order.
CHECK_ZONE = "zone"
CHECK_EXPIRY = "expiry"
CHECK_KIND = "kind_allowed"
CHECK_PERSONNUMMER = "personnummer"
CHECK_BIRTH_DATE = "birth_date"
CHECK_NAME = "name"

# Catalogue keys of the reasons (kiosk/locale/*/documents.toml).
REASON_ZONE = "documents.refusal.zone"
REASON_EXPIRED = "documents.refusal.expired"
REASON_NO_EXPIRY = "documents.refusal.no_expiry"
REASON_DIGITAL_ID = "documents.refusal.digital_id"
REASON_KIND_UNKNOWN = "documents.refusal.kind_unknown"
REASON_VISA = "documents.refusal.visa"
REASON_NOT_SWEDISH = "documents.refusal.not_swedish"
REASON_PERSONNUMMER = "documents.refusal.personnummer_mismatch"
REASON_BIRTH_DATE = "documents.mismatch.birth_date"
REASON_NAME = "documents.mismatch.name"
REASON_PHOTO = "documents.mismatch.photo"
# A failed name or birth-date line refuses unless the domain lets a reason override it.
_NAME_HARD, _BIRTH_HARD = (not may_override(d) for d in (Deviation.NAME, Deviation.BIRTH_DATE))

# The domain's R1 refusals, in this report's words.
_KIND_REASONS: dict[type[DomainError], str] = {
    DigitalIdRefusedError: REASON_DIGITAL_ID,
    DocumentNotSwedishError: REASON_NOT_SWEDISH,
}


@dataclass(frozen=True)
class Holder:
    """The card holder on record; personnummer normalised to 12 digits, or ``None``."""

    personnummer: str | None = field(repr=False)
    surname: str = field(repr=False)
    given_names: str = field(repr=False)


@dataclass(frozen=True)
class CheckLine:
    """One check of the document against the holder, as reported and as shown on screen."""

    name: str
    status: CheckStatus
    hard: bool  # a failure refuses the document (no reason overrides it)
    reason_key: str | None = None

    @property
    def failed(self) -> bool:
        return self.status is CheckStatus.FAILED

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def key(self) -> str:
        """The line's catalogue text: the reason of a failure, else the check itself."""
        if self.failed and self.reason_key:
            return self.reason_key
        return f"documents.check.{self.name}"


@dataclass(frozen=True)
class IdentityReport:
    purpose: VisitPurpose
    kind: DocumentKind | None
    issuing_state: str
    expiry_date: date | None
    checks: tuple[CheckLine, ...]
    verdict: IdentityVerdict
    document_number: str = field(repr=False)

    def check(self, name: str) -> CheckLine:
        return next(line for line in self.checks if line.name == name)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Catalogue keys of every failed check, hard ones first."""
        failed = [line for line in self.checks if line.failed and line.reason_key]
        failed.sort(key=lambda line: not line.hard)
        return tuple(line.reason_key for line in failed if line.reason_key)

    @property
    def deviations(self) -> tuple[Deviation, ...]:
        """The overridable deviations this report found (name, birth date)."""
        return tuple(
            Deviation(line.name)
            for line in self.checks
            if line.failed and not line.hard and may_override(line.name)
        )


@dataclass(frozen=True)
class IdentityCheckRecord:
    """What is stored about a check: never the document number in clear, nor names."""

    purpose: str
    kind: str | None
    issuing_state: str
    document_number_hash: str
    expiry_date: date | None
    result: IdentityResult
    verdict: IdentityVerdict
    photo_matches: bool
    reason: str | None = field(repr=False)
    operator: str
    checked_at: datetime
    holder_id: str | None = None  # the holder on record the document was matched to


class IdentityCheckRecorder(Protocol):
    def record(self, record: IdentityCheckRecord) -> str:  # event id
        ...


@dataclass(frozen=True)
class ConfirmedCheck:
    record: IdentityCheckRecord
    event_id: str

    @property
    def may_continue(self) -> bool:
        return self.record.result in (IdentityResult.APPROVED, IdentityResult.APPROVED_WITH_REASON)


def names_match(
    document_surname: str,
    document_given: str,
    holder: Holder,
    *,
    truncated: bool = False,
) -> bool:
    """Surname equal and given names compatible, after ICAO or accent-dropping
    transliteration of both sides. ``truncated``: the zone's name field was full, so the
    document's last name word may be a prefix of the holder's."""
    doc_surname = transliteration.normalise(document_surname)
    doc_given = transliteration.normalise(document_given).split()
    for plain in (False, True):
        surname = transliteration.normalise(holder.surname, plain=plain)
        given = transliteration.normalise(holder.given_names, plain=plain).split()
        if truncated:
            full_doc = " ".join([doc_surname, *doc_given])
            full_holder = " ".join([surname, *given])
            if full_doc and full_holder.startswith(full_doc):
                return True
        if surname != doc_surname:
            continue
        if not doc_given and not given:
            return True
        if doc_given and given and (set(doc_given) <= set(given) or set(given) <= set(doc_given)):
            return True
    return False


def _zone_truncated(reading: MrzResult) -> bool:
    if not reading.lines:
        return False
    name_line = reading.lines[2] if reading.format == "TD1" else reading.lines[0]
    return not name_line.endswith("<")


class IdentityCheckService:
    """Matching and decision of identity checks; persistence goes through ``recorder``."""

    def __init__(self, recorder: IdentityCheckRecorder, document_number_key: bytes) -> None:
        if not document_number_key:
            raise ValueError("the document number key must not be empty")
        self._recorder = recorder
        self._key = document_number_key

    def check(
        self,
        reading: DocumentReading,
        holder: Holder,
        purpose: VisitPurpose | str,
        today: date,
        *,
        kind: DocumentKind | None = None,
    ) -> IdentityReport:
        """Every check of ``reading`` against ``holder`` for ``purpose``; ``kind`` lets the
        clerk name the kind of a scanned document (otherwise its document code says)."""
        purpose = VisitPurpose(purpose)
        lines: list[CheckLine] = []
        if isinstance(reading, MrzResult):
            doc_kind = kind or kind_from_document_code(reading.document_code)
            zone_ok = reading.checks_ok and all(p.key == PROBLEM_EXPIRED for p in reading.errors)
            lines.append(
                CheckLine(
                    CHECK_ZONE,
                    CheckStatus.PASSED if zone_ok else CheckStatus.FAILED,
                    True,
                    None if zone_ok else REASON_ZONE,
                )
            )
            truncated = _zone_truncated(reading)
        else:
            doc_kind = kind or reading.kind
            lines.append(CheckLine(CHECK_ZONE, CheckStatus.NOT_APPLICABLE, True))
            truncated = False
        personnummer, birth = reading.personnummer, reading.birth_date
        surname, given = reading.surname, reading.given_names
        expiry, state = reading.expiry_date, reading.issuing_state

        if expiry is None:
            lines.append(CheckLine(CHECK_EXPIRY, CheckStatus.FAILED, True, REASON_NO_EXPIRY))
        elif is_expired(expiry, today):
            lines.append(CheckLine(CHECK_EXPIRY, CheckStatus.FAILED, True, REASON_EXPIRED))
        else:
            lines.append(CheckLine(CHECK_EXPIRY, CheckStatus.PASSED, True))

        if isinstance(reading, MrzResult) and reading.is_visa:
            lines.append(CheckLine(CHECK_KIND, CheckStatus.FAILED, True, REASON_VISA))
        else:
            lines.append(self._kind_line(doc_kind, state, purpose))

        holder_pnr = holder.personnummer
        if personnummer and holder_pnr:
            same = personnummer == holder_pnr
            lines.append(
                CheckLine(
                    CHECK_PERSONNUMMER,
                    CheckStatus.PASSED if same else CheckStatus.FAILED,
                    True,
                    None if same else REASON_PERSONNUMMER,
                )
            )
        else:
            lines.append(CheckLine(CHECK_PERSONNUMMER, CheckStatus.NOT_APPLICABLE, True))

        holder_birth = holder_birth_date(holder_pnr) if holder_pnr else None
        if birth is not None and holder_birth is not None:
            same = birth == holder_birth
            lines.append(
                CheckLine(
                    CHECK_BIRTH_DATE,
                    CheckStatus.PASSED if same else CheckStatus.FAILED,
                    _BIRTH_HARD,
                    None if same else REASON_BIRTH_DATE,
                )
            )
        else:
            lines.append(CheckLine(CHECK_BIRTH_DATE, CheckStatus.NOT_APPLICABLE, _BIRTH_HARD))

        name_ok = names_match(surname, given, holder, truncated=truncated)
        lines.append(
            CheckLine(
                CHECK_NAME,
                CheckStatus.PASSED if name_ok else CheckStatus.FAILED,
                _NAME_HARD,
                None if name_ok else REASON_NAME,
            )
        )

        if any(line.failed and line.hard for line in lines):
            verdict = IdentityVerdict.REFUSED
        elif any(line.failed for line in lines):
            verdict = IdentityVerdict.MISMATCH
        else:
            verdict = IdentityVerdict.MATCH
        return IdentityReport(
            purpose=purpose,
            kind=doc_kind,
            issuing_state=state,
            expiry_date=expiry,
            checks=tuple(lines),
            verdict=verdict,
            document_number=reading.document_number,
        )

    @staticmethod
    def _kind_line(kind: DocumentKind | None, state: str, purpose: VisitPurpose) -> CheckLine:
        if kind is None:
            return CheckLine(CHECK_KIND, CheckStatus.FAILED, True, REASON_KIND_UNKNOWN)
        refusal = kind_acceptable(kind, state, purpose).refusal
        if refusal is not None:
            return CheckLine(CHECK_KIND, CheckStatus.FAILED, True, _KIND_REASONS[type(refusal)])
        return CheckLine(CHECK_KIND, CheckStatus.PASSED, True)

    def confirm(
        self,
        report: IdentityReport,
        *,
        photo_matches: bool,
        operator: str,
        now: datetime,
        reason: str | None = None,
        holder_id: str | None = None,
    ) -> ConfirmedCheck:
        """The clerk's decision, recorded. A soft mismatch (name, birth date) continues
        only with a non-blank ``reason``; without one the check ends. A photo that is not
        the person at the counter refuses the check, and no reason overrides it."""
        if report.verdict is IdentityVerdict.REFUSED:
            if reason is not None:
                raise RefusalFinalError()
            result = IdentityResult.REFUSED
        elif not photo_matches and not may_override(Deviation.PHOTO):
            if reason is not None:
                raise PhotoFinalError()
            result = IdentityResult.REFUSED
        elif report.verdict is IdentityVerdict.MISMATCH or not photo_matches:
            if reason is None:
                result = IdentityResult.ENDED
            elif not reason.strip():
                raise ReasonRequiredError()
            else:
                result = IdentityResult.APPROVED_WITH_REASON
        else:
            result = IdentityResult.APPROVED
        record = IdentityCheckRecord(
            purpose=report.purpose.value,
            kind=report.kind.value if report.kind else None,
            issuing_state=report.issuing_state,
            document_number_hash=document_number_hash(
                self._key, report.issuing_state, report.document_number
            ),
            expiry_date=report.expiry_date,
            result=result,
            verdict=report.verdict,
            photo_matches=photo_matches,
            reason=reason.strip()
            if reason and result is IdentityResult.APPROVED_WITH_REASON
            else None,
            operator=operator,
            checked_at=now,
            holder_id=holder_id,
        )
        return ConfirmedCheck(record=record, event_id=self._recorder.record(record))

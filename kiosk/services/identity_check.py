"""The ``IdentityChecker`` port over the document check service (``kiosk.services.identity``).

Parses a scanned zone (``kiosk.documents.mrz``) or takes typed details, compares them with
the holder on record for the visit's purpose and turns the report into screen lines:
each check with its catalogue text, failures with their reason.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from clock import Clock, local_date
from kiosk.domain.types import IdentityDocument, VisitPurpose
from kiosk.services.ports import HolderSummary, IdentityOutcome, ManualDocument

if TYPE_CHECKING:  # the document modules load with the first check, not at start-up
    from kiosk.services.identity import DocumentReading, Holder, IdentityCheckService


def checked_for(purpose: VisitPurpose) -> VisitPurpose:
    """The purpose a document is checked and recorded for: a general visit's document is
    checked as for an activation (R1)."""
    return VisitPurpose.ACTIVATION if purpose is VisitPurpose.GENERAL else purpose


def split_name(name: str) -> tuple[str, str]:
    """(surname, given names) from a register name "Given Names Surname"."""
    parts = name.split()
    if len(parts) < 2:
        return name, ""
    return parts[-1], " ".join(parts[:-1])


def twelve_digits(personnummer: str, today: dt.date) -> str | None:
    from kiosk.domain.personnummer import normalise_personnummer

    try:
        return re.sub(r"\D", "", normalise_personnummer(personnummer, today))
    except Exception:  # an invalid number simply does not match
        return None


class DocumentIdentityChecker:
    def __init__(self, service: IdentityCheckService, *, clock: Clock) -> None:
        self._service = service
        self._clock = clock

    def _today(self) -> dt.date:
        return local_date(self._clock())

    def _holder(self, holder: HolderSummary) -> Holder:
        from kiosk.services.identity import Holder

        surname, given = split_name(holder.name)
        return Holder(
            personnummer=twelve_digits(holder.personnummer, self._today()),
            surname=surname,
            given_names=given,
        )

    def _outcome(
        self,
        reading: DocumentReading,
        holder: HolderSummary | None,
        purpose: VisitPurpose,
        zone_lines: tuple[str, ...],
    ) -> IdentityOutcome:
        from kiosk.services.identity import CheckStatus, IdentityVerdict

        found = getattr(reading, "personnummer", None)
        if holder is None:
            return IdentityOutcome(
                accepted=False, checks=(), personnummer=found, zone_lines=zone_lines
            )
        report = self._service.check(
            reading, self._holder(holder), checked_for(purpose), self._today()
        )
        lines = tuple(
            line for line in report.checks if line.status is not CheckStatus.NOT_APPLICABLE
        )
        document = None
        if report.kind is not None and report.expiry_date is not None:
            document = IdentityDocument(report.kind, report.issuing_state, report.expiry_date)
        return IdentityOutcome(
            accepted=report.verdict is IdentityVerdict.MATCH,
            checks=lines,
            soft_mismatch=report.verdict is IdentityVerdict.MISMATCH,
            personnummer=found,
            document_kind=report.kind.value if report.kind else None,
            zone_lines=zone_lines,
            document=document,
            checked_at=self._clock(),
            report=report,
        )

    def check_zone(
        self, zone_text: str, holder: HolderSummary | None, purpose: VisitPurpose
    ) -> IdentityOutcome:
        from kiosk.documents import mrz
        from kiosk.documents.errors import VisaNotIdentityDocumentError

        reading = mrz.parse(zone_text, self._today())
        if reading.is_visa:  # R1, said before any holder is looked up by the zone
            raise VisaNotIdentityDocumentError()
        lines = tuple(line for line in zone_text.splitlines() if line.strip())
        return self._outcome(reading, holder, purpose, lines)

    def check_manual(
        self, document: ManualDocument, holder: HolderSummary | None, purpose: VisitPurpose
    ) -> IdentityOutcome:
        from kiosk.documents.kinds import DocumentKind, ManualEntry

        reading = ManualEntry(
            kind=DocumentKind(document.kind),
            issuing_state=document.issuing_country or "SWE",
            document_number=document.document_number,
            surname=document.surname,
            given_names=document.given_names,
            expiry_date=document.expiry,
            personnummer=twelve_digits(document.personnummer, self._today()),
        )
        return self._outcome(reading, holder, purpose, ())

    def confirm(
        self,
        outcome: IdentityOutcome,
        *,
        photo_matches: bool,
        operator: str,
        holder_id: str | None = None,
        reason: str | None = None,
    ) -> None:
        if outcome.report is None:
            return
        self._service.confirm(
            outcome.report,
            photo_matches=photo_matches,
            operator=operator,
            now=self._clock(),
            holder_id=holder_id,
            reason=reason,
        )

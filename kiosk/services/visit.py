"""A customer visit: identity check first (R1), then the customer's card matched to the holder.

The visit object holds everything about the holder; ending the visit (or locking the
kiosk) drops it, and the screens drop what they showed. The screens hold it and the
workflows take it: the operator serving the visit, its holder, and the document of its
approved identity check (``identity_document``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from clock import Clock, local_date
from kiosk.domain.types import IdentityDocument, VisitPurpose
from kiosk.errors import IdentityCheckMissingError
from kiosk.services.card import CardAccess, CardKey
from kiosk.services.errors import NoHolderForDocumentError, VisitNeedsIdentityError
from kiosk.services.login import Operator
from kiosk.services.ports import (
    CardView,
    HolderDirectory,
    HolderSummary,
    IdentityChecker,
    IdentityOutcome,
    ManualDocument,
    ReaderRole,
)
from kiosk.services.workflows.errors import NoHolderInVisitError
from protocol.identity_number import InvalidIdentityNumberError, parse_identity_number


@dataclass(frozen=True)
class CardMatch:
    """The customer's card read from the customer reader and compared with the record."""

    card_serial: str | None
    matched: bool
    reason_key: str
    card: CardView | None = None


@dataclass
class Visit:
    purpose: VisitPurpose
    operator: Operator
    holder: HolderSummary | None = None
    identity: IdentityOutcome | None = None
    likeness_confirmed: bool | None = None
    card_match: CardMatch | None = None
    cards: tuple[CardView, ...] = field(default_factory=tuple)
    started_at: dt.datetime | None = None
    reason_given: bool = False  # the clerk continued after a soft mismatch, with a reason
    same_organisation: bool = False  # id-admin of the holder's own organisation (R7)

    @property
    def may_confirm(self) -> bool:
        """The document passed every hard check (R1): the clerk judges the photo."""
        return bool(self.identity and (self.identity.accepted or self.identity.soft_mismatch))

    @property
    def needs_reason(self) -> bool:
        """A soft mismatch (name, birth date: ``kiosk.domain.deviations.OVERRIDABLE``) and
        a photo that is the person: a reason to continue."""
        if not self.may_confirm or not self.likeness_confirmed:
            return False
        assert self.identity is not None
        return self.identity.soft_mismatch

    @property
    def identity_done(self) -> bool:
        """The check proved the holder. A photo that is not the person never does (R1)."""
        if not self.may_confirm or not self.likeness_confirmed:
            return False
        return self.reason_given if self.needs_reason else True

    def overridden_deviations(self) -> tuple[str, ...]:
        """The deviations the clerk continued past with a reason (for the journal event and
        the receipt of the workflow); empty for a clean check."""
        report = self.identity.report if self.identity is not None else None
        if not self.identity_done or not self.reason_given or report is None:
            return ()
        return tuple(deviation.value for deviation in report.deviations)

    @property
    def holder_id(self) -> str | None:
        return self.holder.holder_id if self.holder is not None else None

    def require_holder(self) -> str:
        if self.holder is None:
            raise NoHolderInVisitError()
        return self.holder.holder_id

    def identity_document(self) -> IdentityDocument | None:
        """The document of this visit's identity check, once done (the clerk confirmed
        the photo, with a reason where one was needed); None before, or for a check made
        before the visit began."""
        outcome = self.identity
        if outcome is None or self.holder is None or not self.identity_done:
            return None
        started, checked = self.started_at, outcome.checked_at
        if started is not None and checked is not None and checked < started:
            return None
        return outcome.document

    def require_identity(self) -> IdentityDocument:
        document = self.identity_document()
        if document is None:
            raise IdentityCheckMissingError()
        return document


def same_personnummer(a: str, b: str, today: dt.date) -> bool:
    """Whether ``a`` and ``b`` write the same valid personnummer or samordningsnummer, in
    any of their forms (the century of a 10-digit form as on ``today``)."""
    try:
        return parse_identity_number(a, today).digits == parse_identity_number(b, today).digits
    except InvalidIdentityNumberError:
        return False


class VisitService:
    def __init__(
        self,
        *,
        identity: IdentityChecker,
        directory: HolderDirectory,
        cards: CardAccess,
        clock: Clock,
    ) -> None:
        self._clock = clock
        self._identity = identity
        self._directory = directory
        self._cards = cards

    def start(
        self,
        purpose: VisitPurpose,
        holder: HolderSummary | None = None,
        cards: tuple[CardView, ...] = (),
        started_at: dt.datetime | None = None,
        *,
        operator: Operator,
    ) -> Visit:
        """A new visit of ``operator`` (no I/O); ``cards`` are the holder's cards when
        already looked up."""
        return Visit(
            purpose=purpose, operator=operator, holder=holder, cards=cards, started_at=started_at
        )

    def _set_holder(self, visit: Visit, holder: HolderSummary) -> None:
        visit.holder = holder
        detail = self._directory.detail(holder.holder_id)
        visit.cards = detail.cards if detail else ()

    def _resolve_holder(self, visit: Visit, outcome: IdentityOutcome) -> bool:
        """Find the holder from the document's personnummer when the visit has none yet."""
        if visit.holder is not None:
            return False
        if not outcome.personnummer:  # e.g. a foreign document: find the holder first
            raise NoHolderForDocumentError()
        found = self._directory.by_personnummer(outcome.personnummer)
        if not found:
            raise NoHolderForDocumentError()
        self._set_holder(visit, found[0])
        return True

    def check_zone(self, visit: Visit, zone_text: str) -> IdentityOutcome:
        outcome = self._identity.check_zone(zone_text, visit.holder, visit.purpose)
        if self._resolve_holder(visit, outcome):
            outcome = self._identity.check_zone(zone_text, visit.holder, visit.purpose)
        visit.identity, visit.likeness_confirmed, visit.reason_given = outcome, None, False
        return outcome

    def check_manual(self, visit: Visit, document: ManualDocument) -> IdentityOutcome:
        outcome = self._identity.check_manual(document, visit.holder, visit.purpose)
        if self._resolve_holder(visit, outcome):
            outcome = self._identity.check_manual(document, visit.holder, visit.purpose)
        visit.identity, visit.likeness_confirmed, visit.reason_given = outcome, None, False
        return outcome

    def confirm_likeness(
        self, visit: Visit, *, alike: bool, operator: str, reason: str | None = None
    ) -> None:
        """The clerk's photo judgement (and, after a soft mismatch, the reason to continue);
        the finished check is recorded (blocking). Without a reason such a check ends:
        recorded, but the identity is not proven. A photo that is not the person refuses
        the check; a reason for it raises ``PhotoMismatchFinalError``."""
        if visit.identity is None or not visit.may_confirm:
            raise VisitNeedsIdentityError()
        reason = reason.strip() if reason else None
        needs_reason = visit.identity.soft_mismatch or not alike
        self._identity.confirm(
            visit.identity,
            photo_matches=alike,
            operator=operator,
            holder_id=visit.holder.holder_id if visit.holder else None,
            reason=reason if needs_reason else None,
        )
        visit.likeness_confirmed = alike
        visit.reason_given = bool(needs_reason and reason)

    def read_customer_card(self, visit: Visit) -> CardMatch:
        """Read the card in the customer reader and match it to the holder on record."""
        from cryptography import x509
        from cryptography.x509.oid import NameOID

        session = self._cards.open(ReaderRole.CUSTOMER)
        try:
            serial = session.card_serial()
            der = session.certificate(CardKey.AUTHENTICATION)
        finally:
            session.close()
        cert_id = ""
        if der:
            try:
                cert = x509.load_der_x509_certificate(der)
                attrs = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
                cert_id = str(attrs[0].value) if attrs else ""
            except ValueError:
                cert_id = ""
        record = next((c for c in visit.cards if serial and c.serial == serial), None)
        if visit.holder is None:
            match = CardMatch(serial, False, "ui.visit.card.no_holder", record)
        elif not cert_id or not same_personnummer(
            cert_id, visit.holder.personnummer, local_date(self._clock())
        ):
            match = CardMatch(serial, False, "ui.visit.card.other_person", record)
        elif record is None:
            match = CardMatch(serial, False, "ui.visit.card.not_on_record", None)
        else:
            match = CardMatch(serial, True, "ui.visit.card.matched", record)
        visit.card_match = match
        return match

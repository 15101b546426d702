"""The counter's receipt step: what the app does after a workflow's transaction committed.

:class:`ReceiptDesk` wraps the :class:`~kiosk.receipts.service.ReceiptIssuer` and the
customer reader:

* ``after_workflow(event_id)``: the step after a workflow's transaction, once per event
  (``claim``): None when the event gets no receipt (``RECEIPT_EVENTS``); otherwise a
  :class:`ReceiptStep` whose ``outcome`` is the receipt already issued, or None when the
  holder signs first (activation, return, with a card reader to sign on);
* ``plan(event_id)``: the receipt's facts, or None when the event gets no receipt;
  ``facts.needs_holder_signature`` says whether the holder signs;
* ``sign_and_issue(facts, pin)``: the card in the customer reader must be the card of
  the receipt; the holder's PIN goes to the card, the card signs the digest (9C, else
  9A), then the receipt is issued with the signature. Card errors (``WrongPinError`` with
  the tries left, ``PinLockedError``) and :class:`ReceiptCardMismatchError` are raised *before*
  anything is issued, so the holder can retry or skip;
* ``issue(facts)``: the receipt without a holder signature (it says so when one was
  needed); never raises;
* the hand-out (activation) with a :class:`~kiosk.receipts.hand_out.HandOutSigner`:
  ``signs_hand_out(facts)``, ``terms(lang)`` (what the holder reads and accepts on the
  screen) and ``sign_hand_out(facts, operator_pin, holder_pin)``: the operator's card
  certifies the PDF, the holder's card signs it, then it goes out.

Printing goes to the configured printer, else (or when it fails) to the receipts folder;
the outcome says where (``ReceiptOutcome.describe``). Nothing here touches the workflow's
transaction: a printer fault cannot undo it. The day report is a service of its own
(:class:`~kiosk.reports.service.DayReportService`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.receipts.errors import ReceiptCardMismatchError
from kiosk.receipts.facts import RECEIPT_EVENTS, ReceiptFacts
from kiosk.receipts.service import ReceiptIssuer, ReceiptOutcome
from kiosk.services.card import CardOpener
from protocol.event_types import EventType

if TYPE_CHECKING:  # pyHanko loads with the hand-out's first signature
    from kiosk.receipts.hand_out import HandOutSigner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReceiptStep:
    """A workflow event's receipt: issued (``outcome``), or waiting for the holder's
    signature (``outcome`` None: ``sign_and_issue`` or ``issue`` comes next)."""

    facts: ReceiptFacts
    outcome: ReceiptOutcome | None = None

    @property
    def holder_signs(self) -> bool:
        return self.outcome is None


class ReceiptDesk:
    """Receipts at the counter: plan, holder signature, issue. Collaborators passed in."""

    def __init__(
        self,
        service: ReceiptIssuer,
        *,
        card_opener: CardOpener | None = None,
        lang: str | None = None,
        hand_out: HandOutSigner | None = None,
    ) -> None:
        self.service = service
        self._open_card = card_opener
        self._hand_out = hand_out
        self.lang = lang or service.lang
        self._claimed: set[str] = set()  # events whose receipt is under way or done
        self._claim_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ReceiptDesk(folder={str(self.service.folder)!r})"

    @property
    def can_sign(self) -> bool:
        return self._open_card is not None

    def claim(self, event_id: str) -> bool:
        """True the first time ``event_id`` is claimed: one receipt per event, even when
        its ``Done`` is handed on again (a nested dialog)."""
        with self._claim_lock:
            if event_id in self._claimed:
                return False
            self._claimed.add(event_id)
            return True

    def after_workflow(self, event_id: str, *, lang: str | None = None) -> ReceiptStep | None:
        """The receipt of the event a workflow just committed: None when it gets none;
        issued at once unless the holder signs first. Raises what ``plan`` raises."""
        facts = self.plan(event_id)
        if facts is None:
            return None
        if facts.needs_holder_signature and self.can_sign:
            return ReceiptStep(facts)
        return ReceiptStep(facts, self.issue(facts, lang=lang))

    def plan(self, event_id: str) -> ReceiptFacts | None:
        """The facts of ``event_id``'s receipt, or None when it gets none."""
        facts = self.service.facts(event_id)
        return facts if facts.event_type in RECEIPT_EVENTS else None

    def sign_and_issue(
        self, facts: ReceiptFacts, pin: str, *, lang: str | None = None
    ) -> ReceiptOutcome:
        """The holder signs with the card in the customer reader, then the receipt goes out.

        Raises card errors (wrong PIN, PIN blocked, no certificate) and
        :class:`ReceiptCardMismatchError`; nothing is issued then.
        """
        if self._open_card is None:
            raise ReceiptCardMismatchError(serial=facts.card_serial)
        with self._open_card() as card:
            if card.printed_serial() != facts.card_serial:
                raise ReceiptCardMismatchError(serial=facts.card_serial)
            signature = self.service.sign(facts, card, pin)
        return self.service.issue(facts, signature=signature, lang=lang or self.lang)

    @property
    def hand_out(self) -> HandOutSigner | None:
        return self._hand_out

    def signs_hand_out(self, facts: ReceiptFacts) -> bool:
        """The activation's receipt gets the hand-out's two PDF signatures."""
        return self._hand_out is not None and facts.event_type == EventType.CARD_ACTIVATED

    def terms(self, lang: str | None = None) -> str:
        """The card's terms of use the holder reads and accepts before signing."""
        from kiosk.receipts.hand_out import accepted_terms

        return accepted_terms(self.service, lang or self.lang)

    def sign_hand_out(
        self, facts: ReceiptFacts, operator_pin: str, holder_pin: str, *, lang: str | None = None
    ) -> ReceiptOutcome:
        """The operator certifies and the holder signs the hand-out receipt, then it goes
        out. Raises card errors and :class:`ReceiptCardMismatchError` before anything is
        issued; the PINs go to the cards only."""
        if self._hand_out is None:
            raise ReceiptCardMismatchError(serial=facts.card_serial)
        pdf, holder = self._hand_out.sign_with_record(
            facts, operator_pin=operator_pin, holder_pin=holder_pin, lang=lang or self.lang
        )
        return self.service.deliver_signed(facts, pdf, holder)

    def issue(self, facts: ReceiptFacts, *, lang: str | None = None) -> ReceiptOutcome:
        """The receipt without the holder's signature; never raises."""
        try:
            return self.service.issue(facts, lang=lang or self.lang)
        except Exception as exc:
            log.exception("receipt for %s failed", facts.event_id)
            return ReceiptOutcome(
                event_id=facts.event_id,
                digest=None,
                signed=False,
                delivery=None,
                problem=type(exc).__name__,
            )

    def reprint(self, event_id: str, *, lang: str | None = None) -> ReceiptOutcome:
        """``kiosk receipt reprint`` from the app: again from the journal (raises
        :class:`~kiosk.receipts.errors.ReceiptEventUnknownError` for an unknown id)."""
        return self.service.reprint(event_id, lang=lang or self.lang)

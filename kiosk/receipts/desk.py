"""The counter's receipt step: what the app does after a workflow's transaction committed.

:class:`ReceiptDesk` wraps the :class:`~kiosk.receipts.service.ReceiptService` and the
customer reader:

* ``plan(event_id)``: the receipt's facts, or None when the event gets no receipt
  (``RECEIPT_EVENTS``); ``facts.needs_holder_signature`` says whether the holder signs
  (activation, return);
* ``sign_and_issue(facts, pin)``: the card in the customer reader must be the card of
  the receipt; the holder's PIN goes to the card, the card signs the digest (9C, else
  9A), then the receipt is issued with the signature. Card errors (``WrongPinError`` with
  the tries left, ``PinLockedError``) and :class:`ReceiptCardMismatch` are raised *before*
  anything is issued, so the holder can retry or skip;
* ``issue(facts)``: the receipt without a holder signature (it says so when one was
  needed); never raises.

Printing goes to the configured printer, else (or when it fails) to the receipts folder;
the outcome says where (``ReceiptOutcome.describe``). Nothing here touches the workflow's
transaction: a printer fault cannot undo it.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from kiosk.receipts.errors import ReceiptCardMismatch
from kiosk.receipts.facts import RECEIPT_EVENTS, ReceiptFacts
from kiosk.receipts.service import ReceiptOutcome, ReceiptService
from kiosk.services.card import CardOpener

log = logging.getLogger(__name__)


class ReceiptDesk:
    """Receipts at the counter: plan, holder signature, issue. Collaborators passed in."""

    def __init__(
        self,
        service: ReceiptService,
        *,
        card_opener: CardOpener | None = None,
        lang: str | None = None,
        reports_folder: Path | None = None,
    ) -> None:
        self.service = service
        self.reports_folder = reports_folder or service.folder.parent / "reports"
        self._open_card = card_opener
        self.lang = lang or service.lang

    def __repr__(self) -> str:
        return f"ReceiptDesk(folder={str(self.service.folder)!r})"

    @property
    def can_sign(self) -> bool:
        return self._open_card is not None

    def plan(self, event_id: str) -> ReceiptFacts | None:
        """The facts of ``event_id``'s receipt, or None when it gets none."""
        facts = self.service.facts(event_id)
        return facts if facts.event_type in RECEIPT_EVENTS else None

    def sign_and_issue(
        self, facts: ReceiptFacts, pin: str, *, lang: str | None = None
    ) -> ReceiptOutcome:
        """The holder signs with the card in the customer reader, then the receipt goes out.

        Raises card errors (wrong PIN, PIN blocked, no certificate) and
        :class:`ReceiptCardMismatch`; nothing is issued then.
        """
        if self._open_card is None:
            raise ReceiptCardMismatch(serial=facts.card_serial)
        with self._open_card() as card:
            if card.printed_serial() != facts.card_serial:
                raise ReceiptCardMismatch(serial=facts.card_serial)
            signature = self.service.sign(facts, card, pin)
        return self.service.issue(facts, signature=signature, lang=lang or self.lang)

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
        :class:`~kiosk.receipts.errors.ReceiptEventUnknown` for an unknown id)."""
        return self.service.reprint(event_id, lang=lang or self.lang)

    def day_report(self, day: dt.date, *, lang: str | None = None) -> Path:
        """``kiosk report day`` from the app: the day report PDF in the reports folder."""
        from kiosk.receipts.printing import save_pdf
        from kiosk.reports.day import build_day_report
        from kiosk.reports.render import render_day_report

        report = build_day_report(self.service.store, day=day, office_id=self.service.office_id)
        pdf = render_day_report(report, lang=lang or self.lang)
        return save_pdf(self.reports_folder, f"day-{day.isoformat()}.pdf", pdf)

"""The receipt service: facts from the journal, the holder's signature, render, deliver.

Workflows call it **after** their transaction has committed::

    receipts = ReceiptIssuer(store, journal, office_id=..., config=config.receipts,
                              folder=config.resolved_receipts_folder, office=config.office)
    facts = receipts.facts_for_event(event)          # SignedEvent from Journal.append
    signature = None
    if facts.needs_holder_signature:                 # activation, return
        signature = receipts.sign(facts, card, pin)  # the holder's PIN; may raise WrongPinError
    outcome = receipts.issue(facts, signature=signature, lang="sv")

or, in one call that never raises, ``issue_receipt(receipts, event, signature=...)``.
:meth:`ReceiptIssuer.issue` records a holder signature in the journal (event
``receipt.signed``, its own transaction) so that ``reprint`` and ``verify`` find it; a
failure there or at the printer is reported in the outcome, never raised.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import OfficeConfig, ReceiptConfig
from kiosk.i18n import Catalogue
from kiosk.receipts.errors import ReceiptEventUnknownError
from kiosk.receipts.facts import ReceiptFacts, facts_for_event, receipt_digest
from kiosk.receipts.printing import Delivery, deliver
from kiosk.receipts.signature import HolderSignature, sign_receipt, signature_valid
from kiosk.services.card import CardSession
from protocol.event_format import SignedEvent
from store.database import Store
from store.journal import Journal
from store.journal_reads import SIGNATURE_EVENT, load_event, recorded_signatures

if TYPE_CHECKING:
    from kiosk.receipts.render import HandOutSigning

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReceiptOutcome:
    """What became of one receipt. ``problem`` is set when something went wrong."""

    event_id: str
    digest: str | None
    signed: bool
    delivery: Delivery | None
    problem: str | None = None

    def describe(self, text: Catalogue) -> str:
        delivery = self.delivery
        if delivery is None or not delivery.delivered:
            problem = (delivery.problem if delivery else None) or self.problem or "?"
            return text("receipt.not_delivered", problem=problem)
        if delivery.printed:
            return text("receipt.printed", printer=delivery.printer)
        if delivery.problem:
            return text("receipt.print_failed", problem=delivery.problem, path=delivery.path)
        return text("receipt.saved", path=delivery.path)


def receipt_file_name(facts: ReceiptFacts) -> str:
    day = facts.occurred_at[:10]
    return f"receipt-{day}-{facts.event_type.replace('.', '-')}-{facts.event_id}.pdf"


class ReceiptIssuer:
    """Makes the receipt of a journal event: its facts, the holder's recorded signature,
    the PDF, its delivery (printer or folder), a reprint. The counter's step around it
    (once per event, the holder signing on the customer reader) is ``ReceiptDesk``.
    Collaborators are passed in."""

    def __init__(
        self,
        store: Store,
        journal: Journal,
        *,
        office_id: str,
        config: ReceiptConfig,
        folder: Path,
        lang: str = "sv",
        lp_command: str = "lp",
        office: OfficeConfig | None = None,
    ) -> None:
        self._store = store
        self._journal = journal
        self.office_id = office_id
        self._config = config
        self.folder = folder
        self.lang = lang
        self._lp = lp_command
        self.office = office  # the contact details printed for the holder (R14)

    @property
    def store(self) -> Store:
        return self._store

    @property
    def config(self) -> ReceiptConfig:
        return self._config

    # -- facts ---------------------------------------------------------------------

    def facts_for_event(self, event: SignedEvent) -> ReceiptFacts:
        with self._store.unit_of_work() as session:
            return facts_for_event(session, self._store.cipher, event, office_id=self.office_id)

    def facts(self, event_id: str) -> ReceiptFacts:
        """The facts of a journal event by id (raises :class:`ReceiptEventUnknownError`)."""
        with self._store.unit_of_work() as session:
            stored = load_event(session, self._store.cipher, event_id)
            if stored is None:
                raise ReceiptEventUnknownError(event_id=event_id)
            return facts_for_event(
                session, self._store.cipher, stored.event, office_id=self.office_id
            )

    def recorded_signature(self, facts: ReceiptFacts) -> HolderSignature | None:
        """The newest valid holder signature the journal holds for these facts."""
        digest = receipt_digest(facts)
        with self._store.unit_of_work() as session:
            payloads = recorded_signatures(session, self._store.cipher, facts.event_id)
        for payload in reversed(payloads):
            if payload.get("digest") != digest:
                continue
            try:
                signature = HolderSignature.from_dict(payload)
            except ValueError:
                continue
            if signature_valid(signature, digest):
                return signature
        return None

    # -- signing -------------------------------------------------------------------

    def sign(self, facts: ReceiptFacts, card: CardSession, pin: str) -> HolderSignature:
        """The holder signs the receipt digest with their card (raises card errors)."""
        return sign_receipt(card, receipt_digest(facts), pin)

    def record_signature(self, facts: ReceiptFacts, signature: HolderSignature) -> None:
        """Journal the holder's signature (event ``receipt.signed``) in its own transaction."""
        payload = {"event_id": facts.event_id, "digest": receipt_digest(facts)}
        payload.update(signature.to_dict())
        with self._store.unit_of_work() as session:
            self._journal.append(
                session, event_type=SIGNATURE_EVENT, operator=facts.operator, payload=payload
            )

    # -- render and deliver --------------------------------------------------------

    def render(
        self,
        facts: ReceiptFacts,
        *,
        signature: HolderSignature | None = None,
        lang: str | None = None,
        hand_out: HandOutSigning | None = None,
    ) -> bytes:
        from kiosk.receipts.render import render_receipt  # reportlab: only when rendering

        return render_receipt(
            facts,
            lang=lang or self.lang,
            signature=signature,
            office=self.office,
            hand_out=hand_out,
        )

    def deliver_signed(
        self, facts: ReceiptFacts, pdf: bytes, holder: HolderSignature | None = None
    ) -> ReceiptOutcome:
        """Deliver a receipt that carries its PDF signatures (``kiosk.receipts.hand_out``);
        ``holder``: the holder's PDF signature value and certificate, journalled (event
        ``receipt.signed``) so that ``kiosk receipt verify`` on the kiosk can match it."""
        problems: list[str] = []
        if holder is not None:
            try:
                self.record_signature(facts, holder)
            except Exception as exc:  # the receipt still goes out
                log.exception("holder signature for %s not journalled", facts.event_id)
                problems.append(f"signature not journalled: {type(exc).__name__}")
        delivery = deliver(
            pdf,
            receipt_file_name(facts),
            printer=self._config.printer,
            folder=self.folder,
            lp_command=self._lp,
        )
        return ReceiptOutcome(
            event_id=facts.event_id,
            digest=receipt_digest(facts),
            signed=True,
            delivery=delivery,
            problem="; ".join([*problems, *([delivery.problem] if delivery.problem else [])])
            or None,
        )

    def issue(
        self,
        facts: ReceiptFacts,
        *,
        signature: HolderSignature | None = None,
        lang: str | None = None,
        record: bool = True,
    ) -> ReceiptOutcome:
        """Render and deliver; record a holder signature. Never raises on printer faults."""
        digest = receipt_digest(facts)
        problems: list[str] = []
        if signature is not None and record:
            try:
                self.record_signature(facts, signature)
            except Exception as exc:  # the receipt still goes out
                log.exception("holder signature for %s not journalled", facts.event_id)
                problems.append(f"signature not journalled: {type(exc).__name__}")
        pdf = self.render(facts, signature=signature, lang=lang)
        delivery = deliver(
            pdf,
            receipt_file_name(facts),
            printer=self._config.printer,
            folder=self.folder,
            lp_command=self._lp,
        )
        if delivery.problem:
            problems.append(delivery.problem)
        return ReceiptOutcome(
            event_id=facts.event_id,
            digest=digest,
            signed=signature is not None,
            delivery=delivery,
            problem="; ".join(problems) or None,
        )

    def reprint(self, event_id: str, *, lang: str | None = None) -> ReceiptOutcome:
        """Render again from the journal (with the journalled signature) and deliver."""
        facts = self.facts(event_id)
        return self.issue(facts, signature=self.recorded_signature(facts), lang=lang, record=False)


def issue_receipt(
    service: ReceiptIssuer,
    event: SignedEvent | str,
    *,
    signature: HolderSignature | None = None,
    lang: str | None = None,
) -> ReceiptOutcome:
    """Build, render and deliver the receipt of ``event`` (or of an event id); never raises.

    For the workflows' "after the transaction" step (``Done.event_id`` will do): any
    failure (unknown event or card, store busy, printer) is logged and returned in
    ``problem``; the transaction stands.
    """
    event_id = event if isinstance(event, str) else event.event_id
    try:
        facts = service.facts(event) if isinstance(event, str) else service.facts_for_event(event)
        return service.issue(facts, signature=signature, lang=lang)
    except Exception as exc:
        log.exception("receipt for %s failed", event_id)
        return ReceiptOutcome(
            event_id=event_id,
            digest=None,
            signed=False,
            delivery=None,
            problem=f"{type(exc).__name__}",
        )

"""The SITHS hand-out receipt: the operator certifies it, then the holder signs it.

``HandOutSigner.sign(facts, operator_pin=, holder_pin=, lang=)``:

1. the card in the customer reader must be the receipt's card; its key (9C, else 9A, R5)
   decides what the page says about the holder's signature;
2. the page is drawn with the terms of use the holder read and accepted on the screen
   (``[kiosk.receipts] terms_sv`` / ``terms_en``; the catalogue's placeholder when none);
3. the operator's card (operator reader) certifies the PDF (DocMDP, form filling and
   signatures allowed);
4. the holder's card signs it.

PIN errors are raised before the next step: the receipt is then not issued. The result
is the PDF with both signatures; delivering it is the issuer's (``deliver_signed``).
"""

from __future__ import annotations

from collections.abc import Callable

from clock import Clock
from kiosk.i18n import Catalogue
from kiosk.receipts.errors import ReceiptCardMismatchError
from kiosk.receipts.facts import ReceiptFacts
from kiosk.receipts.pades import (
    HOLDER_FIELD,
    OPERATOR_FIELD,
    SigningContext,
    sign_with_card,
    signing_key,
)
from kiosk.receipts.pades_verify import holder_signature_value
from kiosk.receipts.render import HandOutSigning
from kiosk.receipts.service import ReceiptIssuer
from kiosk.receipts.signature import SLOT_NAMES, HolderSignature
from kiosk.services.card import CardAccess, CardOpener, opener_for
from kiosk.services.ports import ReaderRole
from kiosk.services.trust import AnchoredTrust


def accepted_terms(issuer: ReceiptIssuer, lang: str) -> str:
    """The terms of use the holder accepts, in ``lang``: configured, else the placeholder."""
    return issuer.config.terms(lang) or Catalogue(lang)("receipt.pades.terms_placeholder")


class HandOutSigner:
    """Both PDF signatures on a hand-out receipt. Collaborators are passed in;
    ``context`` gives the signing time, the anchors and the kiosk's CRLs at each call."""

    def __init__(
        self,
        issuer: ReceiptIssuer,
        *,
        operator_card: CardOpener,
        holder_card: CardOpener,
        context: Callable[[], SigningContext],
    ) -> None:
        self._issuer = issuer
        self._operator_card = operator_card
        self._holder_card = holder_card
        self._context = context

    def signing_context(self) -> SigningContext:
        """What the next signature goes with: the time, the anchors, the kiosk's CRLs."""
        return self._context()

    def sign(self, facts: ReceiptFacts, *, operator_pin: str, holder_pin: str, lang: str) -> bytes:
        """The receipt PDF, certified by the operator and signed by the holder."""
        return self.sign_with_record(
            facts, operator_pin=operator_pin, holder_pin=holder_pin, lang=lang
        )[0]

    def sign_with_record(
        self, facts: ReceiptFacts, *, operator_pin: str, holder_pin: str, lang: str
    ) -> tuple[bytes, HolderSignature]:
        """As :meth:`sign`, with the holder's PDF signature (its value and certificate)
        for the journal."""
        context = self.signing_context()
        with self._holder_card() as card:
            if card.printed_serial() != facts.card_serial:
                raise ReceiptCardMismatchError(serial=facts.card_serial)
            choice = signing_key(card)
        plan = HandOutSigning(accepted_terms(self._issuer, lang), choice.with_authentication_key)
        pdf = self._issuer.render(facts, lang=lang, hand_out=plan)
        with self._operator_card() as card:
            pdf = sign_with_card(
                pdf, card, operator_pin, context, field_name=OPERATOR_FIELD, certify=True
            )
        with self._holder_card() as card:
            if card.printed_serial() != facts.card_serial:
                raise ReceiptCardMismatchError(serial=facts.card_serial)
            choice = signing_key(card)
            pdf = sign_with_card(
                pdf, card, holder_pin, context, field_name=HOLDER_FIELD, certify=False
            )
        slot = SLOT_NAMES[choice.key]
        return pdf, HolderSignature(slot, holder_signature_value(pdf), choice.certificate_der)


def counter_hand_out(
    issuer: ReceiptIssuer, cards: CardAccess, trust: object, clock: Clock
) -> HandOutSigner:
    """The counter's hand-out signer: the operator's card in the operator reader, the
    holder's in the customer reader; each signature at the clock's time, with the
    kiosk's trust anchors and its cached revocation lists (``AnchoredTrust``; other trust
    stores give no chain to embed)."""

    def context() -> SigningContext:
        if not isinstance(trust, AnchoredTrust):
            return SigningContext(at=clock())
        trust.reload()
        crls = tuple(item.der for item in trust.revocation.lists())
        return SigningContext(at=clock(), anchors=trust.anchors, crls=crls)

    return HandOutSigner(
        issuer,
        operator_card=opener_for(cards, ReaderRole.OPERATOR),
        holder_card=opener_for(cards, ReaderRole.CUSTOMER),
        context=context,
    )

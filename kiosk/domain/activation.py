"""R2 activation: a shipped card, its holder, the photo office and an identity check."""

from __future__ import annotations

from datetime import date

from kiosk.domain.decisions import Decision
from kiosk.domain.documents import check_document
from kiosk.domain.lifecycle import Transition, transition
from kiosk.domain.types import CardFacts, CardState, IdentityDocument, VisitPurpose
from kiosk.errors import (
    CardNotForHolderError,
    DomainError,
    IdentityCheckMissingError,
    ReplacedCardRefusedError,
    WrongOfficeError,
)


def check_activation(
    card: CardFacts,
    *,
    holder_id: str,
    office_id: str,
    document: IdentityDocument | None,
    today: date,
    photo_office_name: str | None = None,
) -> Decision:
    """R2 (with R1 and R3): activate only a shipped card of this holder, at the office
    where the photo was taken, after an identity check with a valid physical document.

    A replaced card (R3) is refused with "blocked: cut it up and throw it away". A card
    without a photo has no photo office and may be activated at any office. The refusal
    for a wrong office names the office to go to (``photo_office_name`` or its id).
    """
    try:
        if card.state is CardState.REPLACED:
            raise ReplacedCardRefusedError()
        transition(card.state, Transition.ACTIVATE)
        if card.holder_id != holder_id:
            raise CardNotForHolderError()
        if card.photo_office_id is not None and card.photo_office_id != office_id:
            raise WrongOfficeError(office=photo_office_name or card.photo_office_id)
        if document is None:
            raise IdentityCheckMissingError()
        check_document(document, today, VisitPurpose.ACTIVATION)
    except DomainError as refusal:
        return Decision.refuse(refusal)
    return Decision.ok()

"""R7 unlock: the ways a locked card is unlocked depend on its product number."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from kiosk.domain.decisions import Decision, Notice
from kiosk.domain.documents import check_document
from kiosk.domain.lifecycle import Transition, illegal_transition, is_final, transition
from kiosk.domain.roles import Action, require_role
from kiosk.domain.types import (
    CardFacts,
    CardState,
    IdentityDocument,
    ProductSeries,
    Role,
    VisitPurpose,
)
from kiosk.errors import (
    DomainError,
    IdentityCheckMissingError,
    PukBlockedCannotUnlockError,
    UnlockNeedsCodeLetterError,
    UnlockNotByCodeLetterError,
    UnlockWrongPlaceError,
)


class UnlockPath(StrEnum):
    IN_PERSON = "in_person"  # 7xx: an id-administrator, the card and a Swedish document
    ORDERED_PUK = "ordered_puk"  # 7xx: a PUK ordered through an id-admin or the service desk
    CODE_LETTER = "code_letter"  # 5xx/6xx/none: the PUK from the card's code letter


class CodeOrder(StrEnum):
    PUK = "puk"  # 7xx: a PUK code (letter)
    CODE_LETTER = "code_letter"  # 5xx/6xx/none: a new code letter


def unlock_paths(series: ProductSeries) -> tuple[UnlockPath, ...]:
    """R7: the ways a locked card of this series can be unlocked, preferred first."""
    if series is ProductSeries.S7:
        return (UnlockPath.IN_PERSON, UnlockPath.ORDERED_PUK)
    return (UnlockPath.CODE_LETTER,)


def code_order_for(series: ProductSeries) -> CodeOrder:
    """R7: what is ordered for a holder without a usable PUK."""
    return CodeOrder.PUK if series is ProductSeries.S7 else CodeOrder.CODE_LETTER


def unlock_notices(series: ProductSeries) -> tuple[Notice, ...]:
    """R7: the unlock paths in words, for the clerk and the holder."""
    if series is ProductSeries.S7:
        return (Notice("notice.r7.in_person"), Notice("notice.r7.order_puk"))
    return (Notice("notice.r7.code_letter"), Notice("notice.r7.new_code_letter"))


def _check_not_saveable(state: CardState) -> None:
    if state is CardState.PUK_BLOCKED:
        raise PukBlockedCannotUnlockError()


def check_unlock(
    card: CardFacts,
    path: UnlockPath,
    *,
    role: Role,
    office_id: str,
    same_organisation: bool = False,
    document: IdentityDocument | None = None,
    today: date | None = None,
    photo_office_name: str | None = None,
) -> Decision:
    """R7 (with R1 and the roles): may this locked card be unlocked along ``path`` now?

    - the path must suit the product series (7xx: in person or ordered PUK; 5xx/6xx/none:
      code-letter PUK only);
    - the card must be locked (a PUK-blocked card cannot be saved);
    - in person: an id-administrator (a clerk may not), at the photo office or an
      id-administrator of the holder's own organisation (``same_organisation``), with a
      valid physical Swedish document (``document`` and ``today`` required).
    """
    try:
        series = card.series
        if path not in unlock_paths(series):
            if series is ProductSeries.S7:
                raise UnlockNotByCodeLetterError()
            raise UnlockNeedsCodeLetterError(series=series.value)
        _check_not_saveable(card.state)
        if path is UnlockPath.IN_PERSON:
            require_role(role, Action.UNLOCK_IN_PERSON)
        else:
            require_role(role, Action.UNLOCK_WITH_PUK)
        transition(card.state, Transition.UNLOCK)
        if path is UnlockPath.IN_PERSON:
            at_photo_office = card.photo_office_id is not None and card.photo_office_id == office_id
            if not (at_photo_office or same_organisation):
                raise UnlockWrongPlaceError(
                    office=photo_office_name or card.photo_office_id or "-",
                )
            if document is None or today is None:
                raise IdentityCheckMissingError()
            check_document(document, today, VisitPurpose.UNLOCK)
    except DomainError as refusal:
        return Decision.refuse(refusal)
    return Decision.ok()


def check_code_order(card: CardFacts, *, role: Role) -> Decision:
    """R7: ordering a PUK (7xx) or a new code letter (5xx/6xx/none) is for an
    id-administrator; pointless for a PUK-blocked card or a card in a final state."""
    try:
        require_role(role, Action.ORDER_CODES)
        _check_not_saveable(card.state)
        if is_final(card.state):
            raise illegal_transition(card.state, Transition.UNLOCK)
    except DomainError as refusal:
        return Decision.refuse(refusal)
    return Decision.ok()

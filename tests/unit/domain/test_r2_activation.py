"""R2: activate a shipped card of this holder at the photo office, after an id check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kiosk.domain.activation import check_activation
from kiosk.domain.types import CardFacts, CardState, DocumentKind, IdentityDocument
from kiosk.errors import (
    CardIsActiveError,
    CardIsBlockedError,
    CardNotForHolderError,
    DigitalIdRefusedError,
    IdentityCheckMissingError,
    ReplacedCardRefusedError,
    WrongOfficeError,
)
from kiosk.i18n import Catalogue

from .conftest import HOLDER, OFFICE, OTHER_OFFICE, SWEDISH_PASSPORT, TODAY

MakeCard = Callable[..., CardFacts]


def activate(card: CardFacts, **kw: object) -> object:
    args: dict[str, object] = {
        "holder_id": HOLDER,
        "office_id": OFFICE,
        "document": SWEDISH_PASSPORT,
        "today": TODAY,
    }
    args.update(kw)
    return check_activation(card, **args).refusal  # type: ignore[arg-type]


def test_r2_shipped_card_at_photo_office_is_activated(card: MakeCard) -> None:
    assert activate(card()) is None


def test_r2_wrong_office_is_refused_naming_the_photo_office(card: MakeCard) -> None:
    refusal = activate(card(), office_id=OTHER_OFFICE, photo_office_name="Kortkontoret City")
    assert isinstance(refusal, WrongOfficeError)
    assert "Kortkontoret City" in Catalogue("sv").error(refusal)
    refusal = activate(card(), office_id=OTHER_OFFICE)
    assert isinstance(refusal, WrongOfficeError)
    assert refusal.params["office"] == OFFICE


def test_r2_card_without_photo_office_may_be_activated_anywhere(card: MakeCard) -> None:
    no_photo = card(with_photo=False, photo_office_id=None, photo_date=None)
    assert activate(no_photo, office_id=OTHER_OFFICE) is None


def test_r2_card_of_another_holder_is_refused(card: MakeCard) -> None:
    assert isinstance(activate(card(), holder_id="holder-2"), CardNotForHolderError)


def test_r2_without_identity_check_is_refused(card: MakeCard) -> None:
    assert isinstance(activate(card(), document=None), IdentityCheckMissingError)


def test_r2_with_r1_digital_id_is_refused(card: MakeCard) -> None:
    digital = IdentityDocument(DocumentKind.DIGITAL_ID, "SWE", date(2030, 1, 1))
    assert isinstance(activate(card(), document=digital), DigitalIdRefusedError)


def test_r2_r3_replaced_card_is_refused_cut_it_up(card: MakeCard) -> None:
    refusal = activate(card(state=CardState.REPLACED))
    assert isinstance(refusal, ReplacedCardRefusedError)
    assert "cut it up and throw it away" in Catalogue("en").error(refusal).lower()
    assert "klipp sönder kortet och släng det" in Catalogue("sv").error(refusal).lower()


@pytest.mark.parametrize(
    ("state", "error"),
    [(CardState.ACTIVE, CardIsActiveError), (CardState.BLOCKED, CardIsBlockedError)],
)
def test_r2_only_a_shipped_card_is_activated(
    card: MakeCard, state: CardState, error: type[Exception]
) -> None:
    assert isinstance(activate(card(state=state)), error)

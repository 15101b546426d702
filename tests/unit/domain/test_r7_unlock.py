"""R7: the unlock path depends on the product number series; roles decide who may do it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kiosk.domain.types import CardFacts, CardState, ProductSeries, Role, product_series
from kiosk.domain.unlock import (
    CodeOrder,
    UnlockPath,
    check_code_order,
    check_unlock,
    code_order_for,
    unlock_notices,
    unlock_paths,
)
from kiosk.errors import (
    ActionNotPermittedError,
    CardIsActiveError,
    CardIsBlockedError,
    DocumentExpiredError,
    DocumentNotSwedishError,
    IdentityCheckMissingError,
    InvalidProductNumberError,
    PukBlockedCannotUnlockError,
    UnlockNeedsCodeLetterError,
    UnlockNotByCodeLetterError,
    UnlockWrongPlaceError,
)
from kiosk.i18n import Catalogue

from .conftest import FOREIGN_PASSPORT, OFFICE, OTHER_OFFICE, SWEDISH_PASSPORT, TODAY

MakeCard = Callable[..., CardFacts]


@pytest.mark.parametrize(
    ("number", "series"),
    [
        ("712", ProductSeries.S7),
        ("700", ProductSeries.S7),
        ("512", ProductSeries.S5),
        ("699", ProductSeries.S6),
        (None, ProductSeries.NONE),
        ("", ProductSeries.NONE),
        ("  ", ProductSeries.NONE),
        (" 612 ", ProductSeries.S6),
    ],
)
def test_r7_product_series_from_product_number(number: str | None, series: ProductSeries) -> None:
    assert product_series(number) is series


@pytest.mark.parametrize("number", ["71", "7123", "abc", "812", "012", "7 2", "７１２"])
def test_r7_bad_product_number_is_refused(number: str) -> None:
    with pytest.raises(InvalidProductNumberError):
        product_series(number)


def test_r7_paths_by_series() -> None:
    assert unlock_paths(ProductSeries.S7) == (UnlockPath.IN_PERSON, UnlockPath.ORDERED_PUK)
    for series in (ProductSeries.S5, ProductSeries.S6, ProductSeries.NONE):
        assert unlock_paths(series) == (UnlockPath.CODE_LETTER,)
        assert code_order_for(series) is CodeOrder.CODE_LETTER
    assert code_order_for(ProductSeries.S7) is CodeOrder.PUK
    assert [n.key for n in unlock_notices(ProductSeries.S7)] == [
        "notice.r7.in_person",
        "notice.r7.order_puk",
    ]
    assert [n.key for n in unlock_notices(ProductSeries.NONE)] == [
        "notice.r7.code_letter",
        "notice.r7.new_code_letter",
    ]


def in_person(card: CardFacts, **kw: object) -> object:
    args: dict[str, object] = {
        "role": Role.ID_ADMIN,
        "office_id": OFFICE,
        "document": SWEDISH_PASSPORT,
        "today": TODAY,
    }
    args.update(kw)
    return check_unlock(card, UnlockPath.IN_PERSON, **args).refusal  # type: ignore[arg-type]


def test_r7_unlock_7xx_in_person_by_id_admin_at_photo_office(card: MakeCard) -> None:
    assert in_person(card(state=CardState.LOCKED)) is None


def test_r7_unlock_7xx_in_person_by_own_organisations_id_admin(card: MakeCard) -> None:
    locked = card(state=CardState.LOCKED)
    assert in_person(locked, office_id=OTHER_OFFICE, same_organisation=True) is None
    refusal = in_person(locked, office_id=OTHER_OFFICE, photo_office_name="Kortkontoret City")
    assert isinstance(refusal, UnlockWrongPlaceError)
    assert "Kortkontoret City" in Catalogue("sv").error(refusal)


def test_r7_clerk_cannot_unlock_7xx_in_person(card: MakeCard) -> None:
    refusal = in_person(card(state=CardState.LOCKED), role=Role.CLERK)
    assert isinstance(refusal, ActionNotPermittedError)
    assert "id-administratör" in Catalogue("sv").error(refusal)


def test_r7_in_person_unlock_needs_a_valid_swedish_document(card: MakeCard) -> None:
    locked = card(state=CardState.LOCKED)
    assert isinstance(in_person(locked, document=FOREIGN_PASSPORT), DocumentNotSwedishError)
    assert isinstance(in_person(locked, document=None), IdentityCheckMissingError)
    assert isinstance(in_person(locked, today=date(2031, 1, 1)), DocumentExpiredError)


def test_r7_unlock_5xx_needs_code_letter_puk(card: MakeCard) -> None:
    for number in ("512", "612", None):
        c = card(product_number=number, state=CardState.LOCKED)
        refusal = in_person(c)
        assert isinstance(refusal, UnlockNeedsCodeLetterError)
        for role in Role:
            assert check_unlock(c, UnlockPath.CODE_LETTER, role=role, office_id=OFFICE).allowed


def test_r7_7xx_has_no_code_letter(card: MakeCard) -> None:
    c = card(state=CardState.LOCKED)
    refusal = check_unlock(c, UnlockPath.CODE_LETTER, role=Role.ID_ADMIN, office_id=OFFICE).refusal
    assert isinstance(refusal, UnlockNotByCodeLetterError)
    assert check_unlock(c, UnlockPath.ORDERED_PUK, role=Role.CLERK, office_id=OFFICE).allowed


def test_r7_only_a_locked_card_is_unlocked(card: MakeCard) -> None:
    assert isinstance(in_person(card(state=CardState.ACTIVE)), CardIsActiveError)
    assert isinstance(in_person(card(state=CardState.BLOCKED)), CardIsBlockedError)


def test_r7_puk_blocked_card_cannot_be_saved(card: MakeCard) -> None:
    c = card(product_number="512", state=CardState.PUK_BLOCKED)
    refusal = check_unlock(c, UnlockPath.CODE_LETTER, role=Role.ID_ADMIN, office_id=OFFICE).refusal
    assert isinstance(refusal, PukBlockedCannotUnlockError)
    assert refusal.hint_key == "hint.unlock.puk_blocked"


def test_r7_ordering_puk_or_code_letter_is_for_id_admins(card: MakeCard) -> None:
    locked = card(state=CardState.LOCKED)
    assert check_code_order(locked, role=Role.ID_ADMIN).allowed
    assert isinstance(check_code_order(locked, role=Role.CLERK).refusal, ActionNotPermittedError)
    # a lost code letter may be reordered before the card is even locked
    assert check_code_order(card(product_number="612", state=CardState.ACTIVE), role=Role.ID_ADMIN)
    blocked = card(state=CardState.BLOCKED)
    assert isinstance(check_code_order(blocked, role=Role.ID_ADMIN).refusal, CardIsBlockedError)
    dead = card(state=CardState.PUK_BLOCKED)
    assert isinstance(
        check_code_order(dead, role=Role.ID_ADMIN).refusal, PukBlockedCannotUnlockError
    )

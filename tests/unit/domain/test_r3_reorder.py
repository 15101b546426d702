"""R3: an undelivered A-post card is reordered 30 days after the photo (or the order)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kiosk.domain.types import BlockReason, CardFacts, CardState, ShipmentMethod
from kiosk.domain.undelivered import reorder_allowed, reorder_from, reorder_notice, reorder_plan
from kiosk.errors import (
    CardFactsIncompleteError,
    CardIsActiveError,
    ReorderNeedsAPostError,
    ReorderTooEarlyError,
)

MakeCard = Callable[..., CardFacts]
PHOTO = date(2026, 1, 10)


@pytest.mark.parametrize(
    ("today", "allowed"),
    [
        (date(2026, 2, 8), False),  # day 29 after the photo
        (date(2026, 2, 9), True),  # day 30
        (date(2026, 2, 10), True),  # day 31
    ],
)
def test_r3_reorder_from_day_30_after_photo(card: MakeCard, today: date, allowed: bool) -> None:
    c = card(photo_date=PHOTO, order_date=date(2025, 12, 1))
    assert reorder_from(c) == date(2026, 2, 9)
    assert reorder_allowed(c, today).allowed is allowed


def test_r3_without_photo_counts_from_the_order(card: MakeCard) -> None:
    c = card(with_photo=False, photo_date=None, photo_office_id=None, order_date=date(2026, 1, 31))
    assert reorder_from(c) == date(2026, 3, 2)
    assert not reorder_allowed(c, date(2026, 3, 1))
    assert reorder_allowed(c, date(2026, 3, 2))


def test_r3_thirty_days_across_a_leap_february(card: MakeCard) -> None:
    c = card(photo_date=date(2028, 2, 1))
    assert reorder_from(c) == date(2028, 3, 2)


def test_r3_too_early_names_the_first_day(card: MakeCard) -> None:
    refusal = reorder_allowed(card(photo_date=PHOTO), date(2026, 1, 20)).refusal
    assert isinstance(refusal, ReorderTooEarlyError)
    assert refusal.params == {"from_date": "2026-02-09"}


def test_r3_registered_post_is_traced_not_reordered(card: MakeCard) -> None:
    c = card(shipment_method=ShipmentMethod.REGISTERED, rek_id="RR123456789SE")
    assert isinstance(reorder_allowed(c, date(2026, 6, 1)).refusal, ReorderNeedsAPostError)


def test_r3_only_an_undelivered_shipped_card_is_reordered(card: MakeCard) -> None:
    assert isinstance(
        reorder_allowed(card(state=CardState.ACTIVE), date(2026, 6, 1)).refusal, CardIsActiveError
    )


def test_r3_missing_photo_date_is_reported_not_guessed(card: MakeCard) -> None:
    with pytest.raises(CardFactsIncompleteError) as caught:
        reorder_from(card(photo_date=None))
    assert caught.value.params == {"field": "photo_date"}
    with pytest.raises(CardFactsIncompleteError):
        reorder_from(card(with_photo=False, order_date=None))


def test_r3_reorder_keeps_the_photo_and_replaces_the_first_card(card: MakeCard) -> None:
    plan = reorder_plan(card(photo_date=PHOTO), date(2026, 2, 9))
    assert plan.first_card_next_state is CardState.REPLACED
    assert plan.block_reason is BlockReason.REPLACED
    assert plan.new_photo_needed is False
    assert plan.photo_date == PHOTO
    assert plan.photo_office_id == card().photo_office_id
    with pytest.raises(ReorderTooEarlyError):
        reorder_plan(card(photo_date=PHOTO), date(2026, 2, 8))


def test_r3_notice_before_and_from_the_first_day(card: MakeCard) -> None:
    c = card(photo_date=PHOTO)
    assert reorder_notice(c, date(2026, 2, 8)).key == "notice.r3.reorder_from"
    assert reorder_notice(c, date(2026, 2, 9)).key == "notice.r3.reorder_now"
    assert reorder_notice(c, date(2026, 2, 9)).params == {"from_date": "2026-02-09"}

"""The visit matches the customer card's certificate to the holder through the one
identity-number check: every form, both kinds, and the century."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.services.visit import same_personnummer


@pytest.mark.parametrize(
    ("on_card", "on_record"),
    [
        ("191212121212", "191212121212"),
        ("19121212-1212", "191212121212"),
        ("121212+1212", "191212121212"),
        ("197010632391", "197010632391"),  # samordningsnummer
        ("701063-2391", "197010632391"),
    ],
)
def test_same_number_in_any_form(on_card: str, on_record: str, today: date) -> None:
    assert same_personnummer(on_card, on_record, today)


@pytest.mark.parametrize(
    ("on_card", "on_record"),
    [
        # The same last ten digits, a century apart: two people.
        ("201212121212", "191212121212"),
        ("121212-1212", "191212121212"),
        # Not identity numbers at all, though ten of their digits match.
        ("SE191212121212", "191212121212"),
        ("19121212121", "191212121212"),
        ("191212121213", "191212121213"),  # wrong check digit on both sides
    ],
)
def test_different_or_invalid_numbers_do_not_match(
    on_card: str, on_record: str, today: date
) -> None:
    assert not same_personnummer(on_card, on_record, today)

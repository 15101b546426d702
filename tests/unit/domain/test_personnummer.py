"""Personnummer and samordningsnummer: formats, check digit, dates; never echoed."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from kiosk.domain.personnummer import mask_personnummer, normalise_personnummer
from kiosk.errors import (
    InvalidPersonnummerError,
    PersonnummerImpossibleDateError,
    PersonnummerWrongCheckDigitError,
    PersonnummerWrongFormatError,
)

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    "text",
    ["880320-0016", "8803200016", "19880320-0016", "198803200016", " 880320 - 0016 "],
)
def test_valid_formats_normalise_to_12_digits(text: str) -> None:
    assert normalise_personnummer(text, TODAY) == "198803200016"


def test_century_from_today_and_plus_for_100_years_or_more() -> None:
    assert normalise_personnummer("121212-1212", TODAY) == "201212121212"
    assert normalise_personnummer("121212+1212", TODAY) == "191212121212"
    assert normalise_personnummer("811228-9841", TODAY) == "198112289841"


def _with_check_digit(first_nine_of_ten: str) -> str:
    return first_nine_of_ten + luhn.calc_check_digit(first_nine_of_ten)


def test_born_today_is_possible_tomorrow_is_not() -> None:
    born_today = "20" + _with_check_digit("260315123")
    assert normalise_personnummer(born_today, TODAY) == born_today
    with pytest.raises(PersonnummerImpossibleDateError):
        normalise_personnummer("20" + _with_check_digit("260316123"), TODAY)


def test_ten_digits_dated_later_this_year_belong_to_the_previous_century() -> None:
    tomorrow = _with_check_digit("260316123")
    assert normalise_personnummer(tomorrow, TODAY) == "19" + tomorrow
    assert normalise_personnummer(tomorrow[:6] + "+" + tomorrow[6:], TODAY) == "18" + tomorrow
    today = _with_check_digit("260315123")
    assert normalise_personnummer(today, TODAY) == "20" + today


def test_samordningsnummer_impossible_day() -> None:
    with pytest.raises(PersonnummerImpossibleDateError):
        normalise_personnummer(_with_check_digit("700292123"), TODAY)  # 32 Feb + 60


def test_samordningsnummer_day_plus_60() -> None:
    assert normalise_personnummer("701063-2391", TODAY) == "197010632391"


@pytest.mark.parametrize("text", ["880320-0017", "8803200018", "19880320-0019"])
def test_wrong_check_digit(text: str) -> None:
    with pytest.raises(PersonnummerWrongCheckDigitError) as caught:
        normalise_personnummer(text, TODAY)
    assert caught.value.reason == "wrong_check_digit"


@pytest.mark.parametrize("text", ["880230-0016", "881320-0016", "880000-0016", "19000229-0000"])
def test_impossible_date(text: str) -> None:
    with pytest.raises(PersonnummerImpossibleDateError) as caught:
        normalise_personnummer(text, TODAY)
    assert caught.value.reason == "impossible_date"


def test_leap_day_is_possible_in_a_leap_year() -> None:
    leap = "20" + _with_check_digit("000229123")
    assert normalise_personnummer(leap, TODAY) == leap
    with pytest.raises(PersonnummerImpossibleDateError):
        normalise_personnummer("20" + _with_check_digit("010229123"), TODAY)


@pytest.mark.parametrize(
    "text", ["", "88032-0016", "880320-00166", "88032O-0016", "880320/0016", "1988032000167"]
)
def test_wrong_format(text: str) -> None:
    with pytest.raises(PersonnummerWrongFormatError) as caught:
        normalise_personnummer(text, TODAY)
    assert caught.value.reason == "wrong_format"


@given(st.text(alphabet="0123456789-+ ", min_size=10, max_size=14))
def test_errors_never_carry_the_number(text: str) -> None:
    try:
        normalise_personnummer(text, TODAY)
    except InvalidPersonnummerError as error:
        digits = "".join(ch for ch in text if ch.isdigit())
        assert error.params == {}
        assert digits not in str(error)
        assert digits not in repr(error)


def test_mask_hides_the_last_four() -> None:
    assert mask_personnummer("198803200016") == "880320-XXXX"
    with pytest.raises(PersonnummerWrongFormatError):
        mask_personnummer("880320-0016")

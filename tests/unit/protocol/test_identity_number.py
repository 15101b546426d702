"""The project's one identity-number check: personnummer and samordningsnummer, both forms,
the century rules, and "today" from the clock."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum import luhn

from protocol.identity_number import (
    IdentityNumberKind,
    IdentityNumberProblem,
    InvalidIdentityNumberError,
    is_identity_number,
    parse_identity_number,
)

ON = date(2026, 12, 1)


def _with_check_digit(first_nine_of_ten: str) -> str:
    return first_nine_of_ten + luhn.calc_check_digit(first_nine_of_ten)


def _problem(text: str, today: date = ON) -> IdentityNumberProblem:
    with pytest.raises(InvalidIdentityNumberError) as caught:
        parse_identity_number(text, today)
    return caught.value.problem


@pytest.mark.parametrize(
    "text", ["121212+1212", "19121212-1212", "191212121212", " 19121212 1212 "]
)
def test_personnummer_in_every_form(text: str) -> None:
    number = parse_identity_number(text, ON)
    assert number.digits == "191212121212"
    assert number.kind is IdentityNumberKind.PERSONNUMMER
    assert number.birth_date == date(1912, 12, 12)


@pytest.mark.parametrize("text", ["701063-2391", "7010632391", "19701063-2391", "197010632391"])
def test_samordningsnummer_in_every_form(text: str) -> None:
    number = parse_identity_number(text, ON)
    assert number.digits == "197010632391"
    assert number.kind is IdentityNumberKind.SAMORDNINGSNUMMER
    assert number.birth_date == date(1970, 10, 3)  # the day less 60


def test_ten_digits_take_the_century_that_makes_the_holder_younger_than_100() -> None:
    assert parse_identity_number("121212-1212", ON).digits == "201212121212"
    assert parse_identity_number("1212121212", ON).digits == "201212121212"
    born_tomorrow = _with_check_digit("261202123")  # 2 December: 99 years old today
    assert parse_identity_number(born_tomorrow, ON).digits == "19" + born_tomorrow
    born_today = _with_check_digit("261201123")  # born today: 0, not 100
    assert parse_identity_number(born_today, ON).digits == "20" + born_today


def test_plus_means_100_or_older() -> None:
    assert parse_identity_number("121212+1212", ON).digits == "191212121212"
    hundred_today = _with_check_digit("261201123")
    text = hundred_today[:6] + "+" + hundred_today[6:]
    assert parse_identity_number(text, ON).digits == "19" + hundred_today
    ninety_nine = _with_check_digit("261202123")  # cannot be 100 yet: a century earlier
    text = ninety_nine[:6] + "+" + ninety_nine[6:]
    assert parse_identity_number(text, ON).digits == "18" + ninety_nine


def test_samordningsnummer_follows_the_same_century_rules() -> None:
    assert parse_identity_number("701063+2391", ON).digits == "187010632391"
    tomorrow = _with_check_digit("261262123")  # 2 December + 60
    assert parse_identity_number(tomorrow, ON).digits == "19" + tomorrow


def test_twelve_digits_ignore_the_separator_and_today_only_refuses_the_future() -> None:
    assert parse_identity_number("19121212+1212", ON).digits == "191212121212"
    born_tomorrow = "20" + _with_check_digit("261202123")
    assert _problem(born_tomorrow) is IdentityNumberProblem.IMPOSSIBLE_DATE
    assert parse_identity_number(born_tomorrow, date(2026, 12, 2)).digits == born_tomorrow


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", IdentityNumberProblem.WRONG_FORMAT),
        ("12121-1212", IdentityNumberProblem.WRONG_FORMAT),
        ("1212121212123", IdentityNumberProblem.WRONG_FORMAT),
        ("12121212121a", IdentityNumberProblem.WRONG_FORMAT),
        ("١٩١٢١٢١٢١٢١٢", IdentityNumberProblem.WRONG_FORMAT),  # non-ASCII digits
        ("121212*1212", IdentityNumberProblem.WRONG_FORMAT),
        ("191212121213", IdentityNumberProblem.WRONG_CHECK_DIGIT),
        ("197010632392", IdentityNumberProblem.WRONG_CHECK_DIGIT),
        ("19121312" + "1234", IdentityNumberProblem.IMPOSSIBLE_DATE),  # month 13
        ("19700232" + "1234", IdentityNumberProblem.IMPOSSIBLE_DATE),  # 32 February
        ("19700292" + "1234", IdentityNumberProblem.IMPOSSIBLE_DATE),  # (32 + 60) February
        ("19701040" + "1234", IdentityNumberProblem.IMPOSSIBLE_DATE),  # neither kind of day
    ],
)
def test_refusals_say_why(text: str, problem: IdentityNumberProblem) -> None:
    assert _problem(text) is problem
    assert not is_identity_number(text, ON)


def test_leap_day_samordningsnummer() -> None:
    leap = _with_check_digit("000289123")  # 29 February 2000 + 60
    assert parse_identity_number("20" + leap, ON).birth_date == date(2000, 2, 29)
    not_leap = _with_check_digit("010289123")
    assert _problem("20" + not_leap) is IdentityNumberProblem.IMPOSSIBLE_DATE


def test_the_number_stays_out_of_repr_and_errors() -> None:
    number = parse_identity_number("197010632391", ON)
    assert "2391" not in repr(number) and "1970" not in repr(number)
    with pytest.raises(InvalidIdentityNumberError) as caught:
        parse_identity_number("197010632392", ON)
    assert "2392" not in str(caught.value)


def test_century_from_the_clocks_today(today: date) -> None:
    # Born on 1 January of this year, or 100 years before: the same ten digits, told apart
    # only by the separator, on whatever day the suite runs.
    yymmdd = f"{today.year % 100:02d}0101"
    ten = _with_check_digit(yymmdd + "123")
    young = parse_identity_number(f"{ten[:6]}-{ten[6:]}", today)
    old = parse_identity_number(f"{ten[:6]}+{ten[6:]}", today)
    assert young.birth_date == date(today.year, 1, 1)
    assert old.birth_date == date(today.year - 100, 1, 1)

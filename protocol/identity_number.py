"""Swedish personal identity numbers, personnummer and samordningsnummer: the one check.

Everything that decides whether a text is a personal identity number asks
``parse_identity_number``: the kiosk's domain (typed and registered numbers), the identity
documents' machine-readable zones and the card certificates' subject serialNumber. It lives
here, below both the kiosk and the devices, because both need it and neither may import
the other.

A samordningsnummer (coordination number) is a personnummer whose day of birth has 60
added (``701063-2391``: born 3 October 1970). The canonical form of either is 12 digits,
``YYYYMMDDNNNN``. Accepted input: ``YYMMDD-NNNN``, ``YYMMDD+NNNN`` (``+``: the holder is
100 or older), ``YYMMDDNNNN``, ``YYYYMMDD-NNNN`` and ``YYYYMMDDNNNN``; blanks are ignored.
The check digit is the Luhn digit over the last ten digits. Errors say why a number is
refused and never carry the number.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from stdnum import luhn

#: A samordningsnummer adds 60 to the day of birth.
SAMORDNING_DAY_OFFSET = 60


class IdentityNumberKind(enum.StrEnum):
    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"


class IdentityNumberProblem(enum.StrEnum):
    WRONG_FORMAT = "wrong_format"
    IMPOSSIBLE_DATE = "impossible_date"  # no such day, or a birth date after today
    WRONG_CHECK_DIGIT = "wrong_check_digit"


class InvalidIdentityNumberError(ValueError):
    """Not a personnummer or samordningsnummer; ``problem`` says why (never the number)."""

    def __init__(self, problem: IdentityNumberProblem) -> None:
        super().__init__(f"not a personal identity number ({problem.value})")
        self.problem = problem


@dataclass(frozen=True)
class IdentityNumber:
    """A valid number: its 12-digit form, its kind and the birth date it stands for."""

    digits: str = field(repr=False)  # YYYYMMDDNNNN, the day as written (+60 for samordning)
    kind: IdentityNumberKind
    birth_date: date = field(repr=False)


def birth_date_of(year: int, month: int, day: int) -> date:
    """The birth date a number's date part stands for (a samordningsnummer's day less 60);
    ``InvalidIdentityNumberError`` (impossible date) when there is no such day."""
    if day > SAMORDNING_DAY_OFFSET:
        day -= SAMORDNING_DAY_OFFSET
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidIdentityNumberError(IdentityNumberProblem.IMPOSSIBLE_DATE) from None


def _compact(text: str) -> tuple[str, str]:
    """(digits, separator) of ``text``; the separator is ``-`` when none is written."""
    compact = "".join(text.split())
    sign = "-"
    if len(compact) in (11, 13) and compact[-5] in "-+":
        sign = compact[-5]
        compact = compact[:-5] + compact[-4:]
    if len(compact) not in (10, 12) or not (compact.isascii() and compact.isdigit()):
        raise InvalidIdentityNumberError(IdentityNumberProblem.WRONG_FORMAT)
    return compact, sign


def _century_year(yy: int, month: int, day: int, sign: str, today: date) -> int:
    """The year of a 10-digit number: the one that makes the holder younger than 100 on
    ``today``, or (``+``) 100 or older."""
    year = today.year // 100 * 100 + yy
    if birth_date_of(year, month, day) > today:
        year -= 100
    if sign == "+":
        year -= 100
    return year


def parse_identity_number(text: str, today: date) -> IdentityNumber:
    """The personnummer or samordningsnummer ``text`` writes; ``InvalidIdentityNumberError``
    with the problem otherwise. ``today`` (the kiosk clock's local date) gives a 10-digit
    number its century and refuses birth dates in the future."""
    compact, sign = _compact(text)
    rest = compact[-8:]
    month, day = int(rest[0:2]), int(rest[2:4])
    if len(compact) == 12:
        year = int(compact[:4])
    else:
        year = _century_year(int(compact[:2]), month, day, sign, today)
    born = birth_date_of(year, month, day)
    if born > today:
        raise InvalidIdentityNumberError(IdentityNumberProblem.IMPOSSIBLE_DATE)
    digits = f"{year:04d}{rest}"
    if not luhn.is_valid(digits[2:]):
        raise InvalidIdentityNumberError(IdentityNumberProblem.WRONG_CHECK_DIGIT)
    kind = (
        IdentityNumberKind.SAMORDNINGSNUMMER
        if day > SAMORDNING_DAY_OFFSET
        else IdentityNumberKind.PERSONNUMMER
    )
    return IdentityNumber(digits=digits, kind=kind, birth_date=born)


def is_identity_number(text: str, today: date) -> bool:
    """Whether ``text`` is a valid personnummer or samordningsnummer on ``today``."""
    try:
        parse_identity_number(text, today)
    except InvalidIdentityNumberError:
        return False
    return True

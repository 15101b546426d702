"""Swedish personal identity numbers (personnummer and samordningsnummer).

The canonical form is 12 digits, ``YYYYMMDDNNNN``. Errors say why a number is refused
(wrong format, impossible date, wrong check digit) and never carry the number itself.
The check digit is the Luhn digit over the last ten digits (python-stdnum).
"""

from __future__ import annotations

from datetime import date

from stdnum import luhn
from stdnum.exceptions import ValidationError

from kiosk.errors import (
    PersonnummerImpossibleDateError,
    PersonnummerWrongCheckDigitError,
    PersonnummerWrongFormatError,
)

#: A samordningsnummer adds 60 to the day of birth.
SAMORDNING_DAY_OFFSET = 60


def birth_date(year: int, month: int, day: int) -> date:
    """The birth date a number's date part stands for (a samordningsnummer's day less 60);
    ``PersonnummerImpossibleDateError`` when there is no such day."""
    if day > SAMORDNING_DAY_OFFSET:
        day -= SAMORDNING_DAY_OFFSET
    try:
        return date(year, month, day)
    except ValueError:
        raise PersonnummerImpossibleDateError() from None


def normalise_personnummer(text: str, today: date) -> str:
    """The 12-digit form ``YYYYMMDDNNNN`` of a personnummer or samordningsnummer.

    Accepts ``YYMMDD-NNNN``, ``YYMMDD+NNNN`` (``+``: the holder is 100 or older),
    ``YYMMDDNNNN``, ``YYYYMMDD-NNNN`` and ``YYYYMMDDNNNN``; surrounding and inner blanks
    are ignored. A 10-digit number gets the century that makes the holder younger than
    100 on ``today`` (100 or more with ``+``). ``today`` is only read for 10-digit input
    and to refuse a birth date in the future; callers pass the kiosk clock's local date.
    """
    compact = "".join(text.split())
    sign = "-"
    if len(compact) in (11, 13) and compact[-5] in "-+":
        sign = compact[-5]
        compact = compact[:-5] + compact[-4:]
    if len(compact) not in (10, 12) or not (compact.isascii() and compact.isdigit()):
        raise PersonnummerWrongFormatError()
    if len(compact) == 12:
        year = int(compact[:4])
        rest = compact[4:]
        born = birth_date(year, int(rest[0:2]), int(rest[2:4]))
    else:
        rest = compact[2:]
        year = today.year // 100 * 100 + int(compact[:2])
        born = birth_date(year, int(rest[0:2]), int(rest[2:4]))
        if born > today:
            year -= 100
        if sign == "+":
            year -= 100
        born = birth_date(year, int(rest[0:2]), int(rest[2:4]))
    if born > today:
        raise PersonnummerImpossibleDateError()
    digits = f"{year:04d}{rest}"
    try:
        luhn.validate(digits[2:])
    except ValidationError:
        raise PersonnummerWrongCheckDigitError() from None
    return digits


def mask_personnummer(pnr: str) -> str:
    """``YYMMDD-XXXX``: the date part of a normalised (12-digit) number, the last four
    hidden. Anything not 12 digits raises ``PersonnummerWrongFormatError``."""
    if len(pnr) != 12 or not (pnr.isascii() and pnr.isdigit()):
        raise PersonnummerWrongFormatError()
    return f"{pnr[2:8]}-XXXX"

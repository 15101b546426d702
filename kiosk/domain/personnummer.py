"""Swedish personal identity numbers (personnummer and samordningsnummer) in the domain.

The one check is ``protocol.identity_number`` (the documents and the card certificates use
it too); this module gives its refusals the kiosk's typed errors with catalogue keys. The
canonical form is 12 digits, ``YYYYMMDDNNNN``. Errors say why a number is refused (wrong
format, impossible date, wrong check digit) and never carry the number itself.
"""

from __future__ import annotations

from datetime import date

from kiosk.errors import (
    InvalidPersonnummerError,
    PersonnummerImpossibleDateError,
    PersonnummerWrongCheckDigitError,
    PersonnummerWrongFormatError,
)
from protocol.identity_number import (
    IdentityNumberProblem,
    InvalidIdentityNumberError,
    birth_date_of,
    parse_identity_number,
)

_REFUSALS: dict[IdentityNumberProblem, type[InvalidPersonnummerError]] = {
    IdentityNumberProblem.WRONG_FORMAT: PersonnummerWrongFormatError,
    IdentityNumberProblem.IMPOSSIBLE_DATE: PersonnummerImpossibleDateError,
    IdentityNumberProblem.WRONG_CHECK_DIGIT: PersonnummerWrongCheckDigitError,
}


def birth_date(year: int, month: int, day: int) -> date:
    """The birth date a number's date part stands for (a samordningsnummer's day less 60);
    ``PersonnummerImpossibleDateError`` when there is no such day."""
    try:
        return birth_date_of(year, month, day)
    except InvalidIdentityNumberError:
        raise PersonnummerImpossibleDateError() from None


def normalise_personnummer(text: str, today: date) -> str:
    """The 12-digit form ``YYYYMMDDNNNN`` of a personnummer or samordningsnummer.

    Accepts ``YYMMDD-NNNN``, ``YYMMDD+NNNN`` (``+``: the holder is 100 or older),
    ``YYMMDDNNNN``, ``YYYYMMDD-NNNN`` and ``YYYYMMDDNNNN``; surrounding and inner blanks
    are ignored. A 10-digit number gets the century that makes the holder younger than
    100 on ``today`` (100 or more with ``+``). ``today`` is only read for 10-digit input
    and to refuse a birth date in the future; callers pass the kiosk clock's local date.
    """
    try:
        return parse_identity_number(text, today).digits
    except InvalidIdentityNumberError as exc:
        raise _REFUSALS[exc.problem]() from None


def mask_personnummer(pnr: str) -> str:
    """``YYMMDD-XXXX``: the date part of a normalised (12-digit) number, the last four
    hidden. Anything not 12 digits raises ``PersonnummerWrongFormatError``."""
    if len(pnr) != 12 or not (pnr.isascii() and pnr.isdigit()):
        raise PersonnummerWrongFormatError()
    return f"{pnr[2:8]}-XXXX"

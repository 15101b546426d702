"""Composing machine-readable zones with correct check digits (tests, fixtures, bench).

``compose(fmt, ZoneFields(...))`` writes a TD1, TD2 or TD3 zone that
``kiosk.documents.mrz.parse`` reads back; names are transliterated (ICAO) here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.documents import transliteration
from kiosk.documents.mrz import LINE_LENGTHS, TD1, TD3, check_digit


def _pad(text: str, width: int) -> str:
    return (text + "<" * width)[:width]


def _yymmdd(value: date) -> str:
    return value.strftime("%y%m%d")


def name_field(surname: str, given_names: str, width: int) -> str:
    """``SURNAME<<GIVEN<NAMES`` transliterated (ICAO) and cut to ``width``."""
    text = transliteration.to_mrz(surname)
    given = transliteration.to_mrz(given_names)
    if given:
        text = f"{text}<<{given}"
    return _pad(text, width)


@dataclass(frozen=True)
class ZoneFields:
    """What goes into a composed zone (names in register form, transliterated here)."""

    document_code: str
    issuing_state: str
    document_number: str
    nationality: str
    surname: str
    given_names: str
    birth_date: date
    expiry_date: date
    sex: str = "<"
    optional_data: str = ""
    optional_data_2: str = ""  # TD1 line 2 only


def compose(fmt: str, f: ZoneFields) -> tuple[str, ...]:
    """A zone with correct check digits, in ``fmt`` (TD1, TD2 or TD3)."""
    code, state, nat = _pad(f.document_code, 2), _pad(f.issuing_state, 3), _pad(f.nationality, 3)
    birth, expiry, sex = _yymmdd(f.birth_date), _yymmdd(f.expiry_date), f.sex
    number = f.document_number
    if fmt == TD1:
        if len(number) > 9:
            head = number[:9] + "<"
            optional1 = _pad(number[9:] + check_digit(number) + "<" + f.optional_data, 15)
        else:
            head = _pad(number, 9) + check_digit(_pad(number, 9))
            optional1 = _pad(f.optional_data, 15)
        l1 = code + state + head + optional1
        l2_body = birth + check_digit(birth) + sex + expiry + check_digit(expiry) + nat
        l2_body += _pad(f.optional_data_2, 11)
        composite = l1[5:30] + l2_body[0:7] + l2_body[8:15] + l2_body[18:29]
        l2 = l2_body + check_digit(composite)
        return l1, l2, name_field(f.surname, f.given_names, 30)
    width = LINE_LENGTHS[fmt]
    l1 = code + state + name_field(f.surname, f.given_names, width - 5)
    padded = _pad(number, 9)
    l2 = padded + check_digit(padded) + nat + birth + check_digit(birth) + sex
    l2 += expiry + check_digit(expiry)
    if fmt == TD3:
        optional = _pad(f.optional_data, 14)
        optional_digit = "<" if optional == "<" * 14 else check_digit(optional)
        l2 += optional + optional_digit
        l2 += check_digit(l2[0:10] + l2[13:20] + l2[21:43])
    else:
        l2 += _pad(f.optional_data, 7)
        l2 += check_digit(l2[0:10] + l2[13:20] + l2[21:35])
    return l1, l2

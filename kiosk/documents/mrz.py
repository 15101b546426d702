"""Machine-readable zones of travel documents (ICAO 9303 parts 3-6): parse and check.

``parse(text, today)`` reads a TD1 (3×30), TD2 (2×36) or TD3 (2×44) zone, or a visa's
(document code V: MRV-B 2×36, MRV-A 2×44, no composite check digit), and returns a
frozen ``MrzResult``: every field, every check digit by name (true/false, never
"corrected": a failing digit is shown to the clerk, who compares with the printed page),
date plausibility, expiry against ``today``, sex, state codes, the name split, and for
Swedish documents the personnummer or samordningsnummer held in the optional data (checked
by ``protocol.identity_number``, the project's one identity-number check). Text that is
not a zone at all raises a ``MrzUnreadableError`` subclass.

``kiosk.documents.mrz_compose`` builds zones with correct check digits (tests, fixtures,
bench).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import mul
from typing import Any

from kiosk.documents.countries import CODES
from kiosk.documents.errors import MrzCharactersError, MrzLineCountError, MrzLineLengthError
from kiosk.domain.documents import is_expired
from protocol.identity_number import InvalidIdentityNumberError, parse_identity_number

TD1, TD2, TD3 = "TD1", "TD2", "TD3"
MRVA, MRVB = "MRV-A", "MRV-B"  # visas (part 7): the TD3 and TD2 sizes
LINE_LENGTHS = {TD1: 30, TD2: 36, TD3: 44, MRVA: 44, MRVB: 36}
VISA_FORMATS = frozenset({MRVA, MRVB})

# Names of the check digits, as they appear in ``MrzResult.checks`` and the JSON output.
CHECK_DOCUMENT_NUMBER = "document_number"
CHECK_BIRTH_DATE = "birth_date"
CHECK_EXPIRY_DATE = "expiry_date"
CHECK_OPTIONAL_DATA = "optional_data"  # TD3 personal number field only
CHECK_COMPOSITE = "composite"

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_VALUES: dict[str, int] = {c: i for i, c in enumerate(_ALPHABET)} | {"<": 0}
_MRZ_CHARS = frozenset(_VALUES)
_WEIGHTS = (7, 3, 1) * 30
_TABLE = bytes(_VALUES.get(chr(b), 0) for b in range(256))  # MRZ character -> value
_DIGITS = frozenset("0123456789")
# Document codes each format may carry in its first character (part 4-6).
_CODES_BY_FORMAT = {
    TD1: frozenset("IAC"),
    TD2: frozenset("IAC"),
    TD3: frozenset("P"),
    MRVA: frozenset("V"),
    MRVB: frozenset("V"),
}

# Catalogue keys of the problems a clerk may see (each in kiosk/locale/*/documents.toml).
PROBLEM_CHECK = "mrz.problem.check."  # + check name
PROBLEM_EXPIRED = "mrz.problem.expired"
PROBLEM_BIRTH_DATE = "mrz.problem.birth_date_invalid"
PROBLEM_EXPIRY_DATE = "mrz.problem.expiry_date_invalid"
PROBLEM_EXPIRY_BEFORE_BIRTH = "mrz.problem.expiry_before_birth"
PROBLEM_EXPIRY_TOO_FAR = "mrz.problem.expiry_too_far"
PROBLEM_SEX = "mrz.problem.sex_invalid"
PROBLEM_ISSUING_STATE = "mrz.problem.issuing_state_unknown"
PROBLEM_NATIONALITY = "mrz.problem.nationality_unknown"
PROBLEM_DOCUMENT_CODE = "mrz.problem.document_code_unknown"
PROBLEM_NAME_CHARACTERS = "mrz.problem.name_characters"
PROBLEM_PERSONNUMMER = "mrz.problem.personnummer_invalid"
PROBLEM_KEYS = (
    *(PROBLEM_CHECK + name for name in ("document_number", "birth_date", "expiry_date")),
    PROBLEM_CHECK + CHECK_OPTIONAL_DATA,
    PROBLEM_CHECK + CHECK_COMPOSITE,
    PROBLEM_EXPIRED,
    PROBLEM_BIRTH_DATE,
    PROBLEM_EXPIRY_DATE,
    PROBLEM_EXPIRY_BEFORE_BIRTH,
    PROBLEM_EXPIRY_TOO_FAR,
    PROBLEM_SEX,
    PROBLEM_ISSUING_STATE,
    PROBLEM_NATIONALITY,
    PROBLEM_DOCUMENT_CODE,
    PROBLEM_NAME_CHARACTERS,
    PROBLEM_PERSONNUMMER,
)
MAX_VALIDITY_YEARS = 15


@dataclass(frozen=True, slots=True)
class MrzProblem:
    """One thing the clerk should see: a catalogue key and its (non-personal) params."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MrzResult:
    """A parsed zone. Personal fields stay out of ``repr`` (logs, tracebacks)."""

    valid: bool
    format: str
    document_code: str
    issuing_state: str
    document_number: str = field(repr=False)
    nationality: str
    surname: str = field(repr=False)
    given_names: str = field(repr=False)
    birth_date: date | None = field(repr=False)
    expiry_date: date | None
    sex: str
    personnummer: str | None = field(repr=False)
    checks: Mapping[str, bool]
    expired: bool
    errors: tuple[MrzProblem, ...]
    optional_data: str = field(default="", repr=False)
    lines: tuple[str, ...] = field(default=(), repr=False)

    @property
    def checks_ok(self) -> bool:
        return all(self.checks.values())

    @property
    def is_visa(self) -> bool:
        """A visa (R1: not an identity document), whatever its checks say."""
        return self.format in VISA_FORMATS

    def to_json(self, translate: Any = None) -> dict[str, Any]:
        """The ``kiosk mrz check`` object; ``translate`` is a ``Catalogue`` (or ``None``:
        errors are then given as their catalogue keys)."""
        errors = [translate(p.key, **p.params) if translate else p.key for p in self.errors]
        return {
            "valid": self.valid,
            "format": self.format,
            "document_code": self.document_code,
            "issuing_state": self.issuing_state,
            "document_number": self.document_number,
            "nationality": self.nationality,
            "surname": self.surname,
            "given_names": self.given_names,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "sex": self.sex,
            "personnummer": self.personnummer,
            "checks": dict(self.checks),
            "expired": self.expired,
            "errors": errors,
        }


def check_digit(text: str) -> str:
    """The ICAO 9303 check digit (weights 7, 3, 1; ``<`` counts 0) of MRZ characters."""
    return str(sum(map(mul, text.encode("latin-1").translate(_TABLE), _WEIGHTS)) % 10)


def _checks(text: str, digit: str) -> bool:
    return digit in _DIGITS and check_digit(text) == digit


def split_lines(text: str | Iterable[str]) -> list[str]:
    """Lines of a zone from free text: surrounding blanks and empty lines dropped."""
    raw = text.splitlines() if isinstance(text, str) else text
    return [s for s in (line.strip() for line in raw) if s]


def detect_format(lines: Sequence[str]) -> str:
    """TD1/TD2/TD3 from line count and lengths (MRV-A/MRV-B for a visa's code V), or a
    ``MrzUnreadableError`` subclass."""
    count = len(lines)
    if count == 3:
        fmt = TD1
    elif count == 2:
        first = len(lines[0])
        if first == 44:
            fmt = TD3
        elif first == 36:
            fmt = TD2
        else:
            raise MrzLineLengthError(line=1, length=first, expected="36 / 44")
    else:
        raise MrzLineCountError(count=count)
    expected = LINE_LENGTHS[fmt]
    for number, line in enumerate(lines, start=1):
        if len(line) != expected:
            raise MrzLineLengthError(line=number, length=len(line), expected=expected)
        if not _MRZ_CHARS.issuperset(line):
            raise MrzCharactersError(line=number)
    if fmt != TD1 and lines[0][0] == "V":
        return MRVA if fmt == TD3 else MRVB
    return fmt


def _date(text: str) -> tuple[int, int, int] | None:
    # Only MRZ characters reach here, so isdigit() means ASCII digits.
    if not text.isdigit():
        return None
    number = int(text)
    return number // 10000, number // 100 % 100, number % 100


def _birth_date(text: str, today: date) -> date | None:
    parts = _date(text)
    if parts is None:
        raise ValueError(text)
    yy, month, day = parts
    year = 2000 + yy
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    return date(year, month, day)


def _expiry_date(text: str, today: date) -> date:
    parts = _date(text)
    if parts is None:
        raise ValueError(text)
    yy, month, day = parts
    year = 2000 + yy
    if year > today.year + 50:
        year -= 100
    return date(year, month, day)


def _name(field_text: str) -> tuple[str, str]:
    primary, _, secondary = field_text.partition("<<")
    return " ".join(primary.replace("<", " ").split()), " ".join(
        secondary.replace("<", " ").split()
    )


def _strip(text: str) -> str:
    return text.replace("<", "")


def _personnummer(
    candidates: Iterable[str], birth: date | None, today: date
) -> tuple[str | None, bool]:
    """(12-digit personnummer or samordningsnummer or None, whether a number was present
    but failed). A 10-digit number takes its century from the zone's birth date, and the
    birth date the number stands for must be the zone's."""
    for candidate in candidates:
        digits = candidate.replace("<", "")
        if not digits:
            continue
        if not (len(digits) in (10, 12) and _DIGITS.issuperset(digits)):
            continue
        if len(digits) == 10:
            if birth is None:
                return None, True  # no birth date to give the century
            digits = f"{birth.year // 100:02d}{digits}"
        try:
            number = parse_identity_number(digits, today)
        except InvalidIdentityNumberError:
            return None, True
        if birth is not None and number.birth_date != birth:
            return None, True
        return number.digits, False
    return None, False


def parse(text: str | Iterable[str], today: date) -> MrzResult:
    """Parse and check a zone; ``today`` decides expiry and the birth-date century."""
    lines = split_lines(text)
    fmt = detect_format(lines)
    problems: list[MrzProblem] = []
    if fmt == TD1:
        l1, l2, l3 = lines
        code, state = l1[0:2], l1[2:5]
        number_field, number_digit, optional1 = l1[5:14], l1[14], l1[15:30]
        birth_text, birth_digit, sex_char = l2[0:6], l2[6], l2[7]
        expiry_text, expiry_digit, nat = l2[8:14], l2[14], l2[15:18]
        optional2, composite_digit = l2[18:29], l2[29]
        composite_text = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
        name_field = l3
        if number_digit == "<" and optional1[0] != "<":
            # Long document number (part 5, note j): the rest of the number and its
            # check digit continue in the optional data, ended by a filler.
            rest, _, after = optional1.partition("<")
            number_text = number_field + rest[:-1]
            number_digit = rest[-1]
            optional1 = after
        else:
            number_text = number_field
        optional_parts: tuple[str, ...] = (optional1, optional2)
        checks = {
            CHECK_DOCUMENT_NUMBER: _checks(number_text, number_digit),
            CHECK_BIRTH_DATE: _checks(birth_text, birth_digit),
            CHECK_EXPIRY_DATE: _checks(expiry_text, expiry_digit),
            CHECK_COMPOSITE: _checks(composite_text, composite_digit),
        }
    else:
        l1, l2 = lines
        code, state, name_field = l1[0:2], l1[2:5], l1[5:]
        number_text, number_digit, nat = l2[0:9], l2[9], l2[10:13]
        birth_text, birth_digit, sex_char = l2[13:19], l2[19], l2[20]
        expiry_text, expiry_digit = l2[21:27], l2[27]
        checks = {
            CHECK_DOCUMENT_NUMBER: _checks(number_text, number_digit),
            CHECK_BIRTH_DATE: _checks(birth_text, birth_digit),
            CHECK_EXPIRY_DATE: _checks(expiry_text, expiry_digit),
        }
        if fmt in VISA_FORMATS:  # no check digit over the optional data, no composite
            optional = l2[28:]
        elif fmt == TD3:
            optional, optional_digit = l2[28:42], l2[42]
            if optional_digit == "<" and optional == "<" * 14:
                checks[CHECK_OPTIONAL_DATA] = True
            else:
                checks[CHECK_OPTIONAL_DATA] = _checks(optional, optional_digit)
            composite_text, composite_digit = l2[0:10] + l2[13:20] + l2[21:43], l2[43]
        else:
            optional = l2[28:35]
            composite_text, composite_digit = l2[0:10] + l2[13:20] + l2[21:35], l2[35]
        if fmt not in VISA_FORMATS:
            checks[CHECK_COMPOSITE] = _checks(composite_text, composite_digit)
        optional_parts = (optional,)

    for name, ok in checks.items():
        if not ok:
            problems.append(MrzProblem(PROBLEM_CHECK + name))
    if code[0] not in _CODES_BY_FORMAT[fmt]:
        problems.append(MrzProblem(PROBLEM_DOCUMENT_CODE))
    if state not in CODES:
        problems.append(MrzProblem(PROBLEM_ISSUING_STATE))
    if nat not in CODES:
        problems.append(MrzProblem(PROBLEM_NATIONALITY))

    birth: date | None = None
    if "<" not in birth_text:  # unknown parts of a birth date are written as fillers
        try:
            birth = _birth_date(birth_text, today)
        except ValueError:
            problems.append(MrzProblem(PROBLEM_BIRTH_DATE))
    expiry: date | None = None
    try:
        expiry = _expiry_date(expiry_text, today)
    except ValueError:
        problems.append(MrzProblem(PROBLEM_EXPIRY_DATE))
    expired = expiry is not None and is_expired(expiry, today)
    if expiry is not None:
        if expired:
            problems.append(MrzProblem(PROBLEM_EXPIRED, {"expiry_date": expiry.isoformat()}))
        elif expiry.year > today.year + MAX_VALIDITY_YEARS:
            problems.append(MrzProblem(PROBLEM_EXPIRY_TOO_FAR))
        if birth is not None and expiry <= birth:
            problems.append(MrzProblem(PROBLEM_EXPIRY_BEFORE_BIRTH))

    if sex_char in "MF":
        sex = sex_char
    elif sex_char in "<X":
        sex = "X"
    else:
        sex = sex_char
        problems.append(MrzProblem(PROBLEM_SEX))

    if not _DIGITS.isdisjoint(name_field):
        problems.append(MrzProblem(PROBLEM_NAME_CHARACTERS))
    surname, given_names = _name(name_field)

    personnummer: str | None = None
    if state == "SWE":
        personnummer, failed = _personnummer(optional_parts, birth, today)
        if failed:
            problems.append(MrzProblem(PROBLEM_PERSONNUMMER))

    return MrzResult(
        valid=not problems,
        format=fmt,
        document_code=_strip(code),
        issuing_state=_strip(state),
        document_number=_strip(number_text),
        nationality=_strip(nat),
        surname=surname,
        given_names=given_names,
        birth_date=birth,
        expiry_date=expiry,
        sex=sex,
        personnummer=personnummer,
        checks=checks,
        expired=expired,
        errors=tuple(problems),
        optional_data="<".join([p for p in (q.replace("<", "") for q in optional_parts) if p]),
        lines=tuple(lines),
    )

"""ICAO 9303 zones: published specimens, Swedish documents, per-field check digits."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.documents import mrz, mrz_compose
from kiosk.documents.errors import (
    MrzCharactersError,
    MrzLineCountError,
    MrzLineLengthError,
    MrzUnreadableError,
)
from tests.unit.documents.zones import (
    SPECIMEN_TD1,
    SPECIMEN_TD2,
    SPECIMEN_TD3,
    SWEDISH_ID_CARD,
    SWEDISH_PASSPORT,
    TODAY,
)


def _replace(line: str, index: int, char: str) -> str:
    return line[:index] + char + line[index + 1 :]


@pytest.mark.parametrize(
    ("lines", "fmt", "number"),
    [
        (SPECIMEN_TD1, "TD1", "D23145890"),
        (SPECIMEN_TD2, "TD2", "D23145890"),
        (SPECIMEN_TD3, "TD3", "L898902C3"),
    ],
)
def test_published_specimens_parse_to_their_fields_and_are_expired(
    lines: tuple[str, ...], fmt: str, number: str
) -> None:
    result = mrz.parse(lines, TODAY)
    assert result.format == fmt
    assert result.document_code == lines[0][0]
    assert result.issuing_state == "UTO"
    assert result.nationality == "UTO"
    assert result.document_number == number
    assert result.surname == "ERIKSSON"
    assert result.given_names == "ANNA MARIA"
    assert result.birth_date == date(1974, 8, 12)
    assert result.expiry_date == date(2012, 4, 15)
    assert result.sex == "F"
    assert result.personnummer is None
    assert result.checks_ok, result.checks
    assert result.expired is True
    assert result.valid is False
    assert [p.key for p in result.errors] == [mrz.PROBLEM_EXPIRED]


def test_specimens_are_valid_before_their_expiry() -> None:
    for lines in (SPECIMEN_TD1, SPECIMEN_TD2, SPECIMEN_TD3):
        result = mrz.parse(lines, date(2012, 4, 15))
        assert result.valid and not result.expired


def test_td3_specimen_optional_data_and_check_names() -> None:
    result = mrz.parse(SPECIMEN_TD3, TODAY)
    assert result.optional_data == "ZE184226B"
    assert set(result.checks) == {
        "document_number",
        "birth_date",
        "expiry_date",
        "optional_data",
        "composite",
    }
    assert set(mrz.parse(SPECIMEN_TD1, TODAY).checks) == {
        "document_number",
        "birth_date",
        "expiry_date",
        "composite",
    }


def test_swedish_passport_personnummer_from_optional_data() -> None:
    result = mrz.parse(SWEDISH_PASSPORT, TODAY)
    assert result.valid, result.errors
    assert result.personnummer == "198503122387"
    assert result.surname == "OEBERG"
    assert result.given_names == "AASA LINNEA"
    assert result.expiry_date == date(2031, 6, 30)


def test_swedish_id_card_td1_personnummer() -> None:
    result = mrz.parse(SWEDISH_ID_CARD, TODAY)
    assert result.valid, result.errors
    assert result.format == "TD1"
    assert result.personnummer == "199207045486"
    assert result.sex == "M"


def test_personnummer_with_bad_luhn_is_reported_and_not_returned() -> None:
    fields = mrz_compose.ZoneFields(
        "P", "SWE", "AB1234567", "SWE", "Öberg", "Åsa", date(1985, 3, 12),
        date(2031, 6, 30), "F", "8503122388",
    )  # fmt: skip
    result = mrz.parse(mrz_compose.compose("TD3", fields), TODAY)
    assert result.checks_ok  # the zone's own check digits are right
    assert result.personnummer is None
    assert [p.key for p in result.errors] == [mrz.PROBLEM_PERSONNUMMER]


def test_personnummer_not_matching_birth_date_is_reported() -> None:
    fields = mrz_compose.ZoneFields(
        "P", "SWE", "AB1234567", "SWE", "Öberg", "Åsa", date(1985, 3, 13),
        date(2031, 6, 30), "F", "8503122387",
    )  # fmt: skip
    result = mrz.parse(mrz_compose.compose("TD3", fields), TODAY)
    assert result.personnummer is None
    assert mrz.PROBLEM_PERSONNUMMER in [p.key for p in result.errors]


def test_personnummer_only_read_from_swedish_documents() -> None:
    fields = mrz_compose.ZoneFields(
        "P", "NOR", "AB1234567", "NOR", "Haugen", "Kari", date(1985, 3, 12),
        date(2031, 6, 30), "F", "8503122387",
    )  # fmt: skip
    assert mrz.parse(mrz_compose.compose("TD3", fields), TODAY).personnummer is None


# Position of each check digit (line index, char index) and a data position it covers.
CHECK_POSITIONS = {
    "TD3": {
        "document_number": ((1, 9), (1, 3)),
        "birth_date": ((1, 19), (1, 15)),
        "expiry_date": ((1, 27), (1, 23)),
        "optional_data": ((1, 42), (1, 30)),
        "composite": ((1, 43), None),
    },
    "TD1": {
        "document_number": ((0, 14), (0, 8)),
        "birth_date": ((1, 6), (1, 3)),
        "expiry_date": ((1, 14), (1, 11)),
        "composite": ((1, 29), None),
    },
    "TD2": {
        "document_number": ((1, 9), (1, 3)),
        "birth_date": ((1, 19), (1, 15)),
        "expiry_date": ((1, 27), (1, 23)),
        "composite": ((1, 35), None),
    },
}
ZONES = {"TD3": SWEDISH_PASSPORT, "TD1": SWEDISH_ID_CARD, "TD2": SPECIMEN_TD2}


def _fix_composite(fmt: str, lines: list[str]) -> None:
    """Recompute the composite digit so that only the altered field fails."""
    if fmt == "TD1":
        l1, l2 = lines[0], lines[1]
        text = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
        lines[1] = l2[:29] + mrz.check_digit(text)
    else:
        l2 = lines[1]
        end = 43 if fmt == "TD3" else 35
        lines[1] = l2[:end] + mrz.check_digit(l2[0:10] + l2[13:20] + l2[21:end])


@pytest.mark.parametrize(
    ("fmt", "check"), [(f, c) for f, checks in CHECK_POSITIONS.items() for c in checks]
)
def test_a_wrong_check_digit_is_reported_for_its_field_only(fmt: str, check: str) -> None:
    lines = list(ZONES[fmt])
    (li, ci), _ = CHECK_POSITIONS[fmt][check]
    digit = lines[li][ci]
    lines[li] = _replace(lines[li], ci, str((int(digit) + 1) % 10))
    result = mrz.parse(lines, date(2010, 1, 1))
    failed = {name for name, ok in result.checks.items() if not ok}
    assert failed == {check, "composite"}  # the composite covers every check digit
    if check != "composite":
        _fix_composite(fmt, lines)
        result = mrz.parse(lines, date(2010, 1, 1))
        failed = {name for name, ok in result.checks.items() if not ok}
        assert failed == {check}
    assert mrz.PROBLEM_CHECK + check in [p.key for p in result.errors]
    assert not result.valid


@pytest.mark.parametrize("fmt", ["TD1", "TD3"])
def test_ocr_confusion_in_document_number_is_shown_not_corrected(fmt: str) -> None:
    lines = list(ZONES[fmt])
    (li, _), (_, ci) = CHECK_POSITIONS[fmt]["document_number"]
    original = lines[li][ci]
    confused = {"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B"}.get(original, "0")
    lines[li] = _replace(lines[li], ci, confused)
    result = mrz.parse(lines, TODAY)
    assert result.checks["document_number"] is False
    assert result.checks["composite"] is False
    assert confused in result.document_number  # the misread character stays visible


def test_td1_long_document_number_continues_into_optional_data() -> None:
    fields = mrz_compose.ZoneFields(
        "I", "UTO", "D23145890123", "UTO", "Eriksson", "Anna", date(1974, 8, 12),
        date(2030, 1, 1), "F", "AB",
    )  # fmt: skip
    lines = mrz_compose.compose("TD1", fields)
    assert lines[0][14] == "<"  # the check digit position holds a filler
    assert lines[0][15:19] == "123" + mrz.check_digit("D23145890123")
    result = mrz.parse(lines, TODAY)
    assert result.document_number == "D23145890123"
    assert result.checks["document_number"] is True
    assert result.optional_data == "AB"
    assert result.valid, result.errors


def test_td1_long_document_number_with_wrong_digit_fails() -> None:
    fields = mrz_compose.ZoneFields(
        "I", "UTO", "D23145890123", "UTO", "Eriksson", "Anna", date(1974, 8, 12),
        date(2030, 1, 1), "F",
    )  # fmt: skip
    l1, l2, l3 = mrz_compose.compose("TD1", fields)
    l1 = _replace(l1, 17, "9")  # a digit of the continued number, not its check digit
    result = mrz.parse((l1, l2, l3), TODAY)
    assert result.checks["document_number"] is False


def test_check_digit_examples() -> None:
    assert mrz.check_digit("L898902C3") == "6"
    assert mrz.check_digit("740812") == "2"
    assert mrz.check_digit("120415") == "9"
    assert mrz.check_digit("D23145890") == "7"
    assert mrz.check_digit("<<<<<<") == "0"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", MrzLineCountError),
        (SPECIMEN_TD3[0], MrzLineCountError),
        ("\n".join(SPECIMEN_TD1 + SPECIMEN_TD1[:1]), MrzLineCountError),
        (SPECIMEN_TD3[0] + "\n" + SPECIMEN_TD3[1][:-1], MrzLineLengthError),
        (SPECIMEN_TD3[0][:40] + "\n" + SPECIMEN_TD3[1][:40], MrzLineLengthError),
        (SPECIMEN_TD3[0].lower() + "\n" + SPECIMEN_TD3[1], MrzCharactersError),
        ("\n".join((*SPECIMEN_TD1[:2], SPECIMEN_TD1[2][:-1] + "!")), MrzCharactersError),
    ],
)
def test_unreadable_input_raises_typed_errors(text: str, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        mrz.parse(text, TODAY)
    assert isinstance(info.value, MrzUnreadableError)


def test_blank_lines_and_surrounding_spaces_are_ignored() -> None:
    text = "\n  " + SPECIMEN_TD3[0] + "  \n\n" + SPECIMEN_TD3[1] + "\r\n"
    assert mrz.parse(text, TODAY).document_number == "L898902C3"


def test_invalid_birth_date_is_reported() -> None:
    lines = list(SWEDISH_PASSPORT)
    line = lines[1][:13] + "851312" + lines[1][19:]  # month 13
    line = line[:19] + mrz.check_digit("851312") + line[20:]
    lines[1] = line
    result = mrz.parse(lines, TODAY)
    assert result.birth_date is None
    assert mrz.PROBLEM_BIRTH_DATE in [p.key for p in result.errors]
    assert result.checks["birth_date"] is True


def test_unknown_birth_date_parts_are_allowed() -> None:
    fields = mrz_compose.ZoneFields(
        "P", "UTO", "X1", "UTO", "Doe", "J", date(1970, 1, 1), date(2030, 1, 1)
    )
    l1, l2 = mrz_compose.compose("TD3", fields)
    body = l2[:13] + "7001<<" + l2[19:]
    body = body[:19] + mrz.check_digit("7001<<") + body[20:43]
    l2 = body + mrz.check_digit(body[0:10] + body[13:20] + body[21:43])
    result = mrz.parse((l1, l2), TODAY)
    assert result.birth_date is None
    assert result.valid, result.errors


def test_birth_century_follows_today() -> None:
    fields = mrz_compose.ZoneFields(
        "P", "UTO", "X1", "UTO", "Doe", "J", date(2020, 5, 1), date(2030, 1, 1)
    )
    assert mrz.parse(mrz_compose.compose("TD3", fields), TODAY).birth_date == date(2020, 5, 1)
    fields = mrz_compose.ZoneFields(
        "P", "UTO", "X1", "UTO", "Doe", "J", date(1930, 5, 1), date(2030, 1, 1)
    )
    assert mrz.parse(mrz_compose.compose("TD3", fields), TODAY).birth_date == date(1930, 5, 1)


def test_expiry_implausibly_far_and_before_birth() -> None:
    far = mrz_compose.ZoneFields(
        "P", "UTO", "X1", "UTO", "Doe", "J", date(1970, 1, 1), date(2070, 1, 1)
    )
    assert mrz.PROBLEM_EXPIRY_TOO_FAR in [
        p.key for p in mrz.parse(mrz_compose.compose("TD3", far), TODAY).errors
    ]
    before = mrz_compose.ZoneFields(
        "P", "UTO", "X1", "UTO", "Doe", "J", date(2026, 1, 1), date(2025, 6, 1)
    )
    keys = [p.key for p in mrz.parse(mrz_compose.compose("TD3", before), date(2026, 1, 2)).errors]
    assert mrz.PROBLEM_EXPIRY_BEFORE_BIRTH in keys


def test_expiry_day_itself_is_still_valid() -> None:
    result = mrz.parse(SWEDISH_PASSPORT, date(2031, 6, 30))
    assert not result.expired
    assert mrz.parse(SWEDISH_PASSPORT, date(2031, 7, 1)).expired


@pytest.mark.parametrize(("sex", "shown"), [("M", "M"), ("F", "F"), ("<", "X"), ("X", "X")])
def test_sex_values(sex: str, shown: str) -> None:
    fields = mrz_compose.ZoneFields(
        "P", "UTO", "X1", "UTO", "Doe", "J", date(1970, 1, 1), date(2030, 1, 1), sex
    )
    result = mrz.parse(mrz_compose.compose("TD3", fields), TODAY)
    assert result.sex == shown and result.valid


def test_unknown_sex_value_is_reported() -> None:
    fields = mrz_compose.ZoneFields(
        "P", "UTO", "X1", "UTO", "Doe", "J", date(1970, 1, 1), date(2030, 1, 1), "Q"
    )
    result = mrz.parse(mrz_compose.compose("TD3", fields), TODAY)
    assert mrz.PROBLEM_SEX in [p.key for p in result.errors]


def test_unknown_state_codes_and_document_code_are_reported() -> None:
    fields = mrz_compose.ZoneFields(
        "I", "QQQ", "X1", "ZZZ", "Doe", "J", date(1970, 1, 1), date(2030, 1, 1)
    )
    keys = [p.key for p in mrz.parse(mrz_compose.compose("TD3", fields), TODAY).errors]
    assert mrz.PROBLEM_ISSUING_STATE in keys
    assert mrz.PROBLEM_NATIONALITY in keys
    assert mrz.PROBLEM_DOCUMENT_CODE in keys


def test_germany_one_letter_code() -> None:
    fields = mrz_compose.ZoneFields(
        "P", "D", "C01X00T47", "D", "Mustermann", "Erika", date(1964, 8, 12),
        date(2030, 1, 1), "F",
    )  # fmt: skip
    result = mrz.parse(mrz_compose.compose("TD3", fields), TODAY)
    assert result.valid and result.issuing_state == "D"


def test_digits_in_name_field_are_reported() -> None:
    lines = list(SPECIMEN_TD3)
    lines[0] = _replace(lines[0], 6, "0")  # ERIKSSON -> E0IKSSON (not covered by digits)
    result = mrz.parse(lines, date(2010, 1, 1))
    assert result.checks_ok
    assert [p.key for p in result.errors] == [mrz.PROBLEM_NAME_CHARACTERS]


def test_name_without_given_names() -> None:
    fields = mrz_compose.ZoneFields(
        "P", "UTO", "X1", "UTO", "Madonna", "", date(1970, 1, 1), date(2030, 1, 1)
    )
    result = mrz.parse(mrz_compose.compose("TD3", fields), TODAY)
    assert (result.surname, result.given_names) == ("MADONNA", "")

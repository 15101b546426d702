"""The parsed zone as a result: no personal data in its repr, its JSON, frozen; a
samordningsnummer in the zone."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.documents import mrz, mrz_compose
from tests.unit.documents.zones import (
    SWEDISH_PASSPORT,
    TODAY,
)


def _replace(line: str, index: int, char: str) -> str:
    return line[:index] + char + line[index + 1 :]


def test_repr_carries_no_personal_data() -> None:
    result = mrz.parse(SWEDISH_PASSPORT, TODAY)
    text = repr(result)
    for secret in ("198503122387", "8503122387", "OEBERG", "AASA", "AB1234567", "1985"):
        assert secret not in text


def test_to_json_has_every_field_of_the_command() -> None:
    data = mrz.parse(SWEDISH_PASSPORT, TODAY).to_json()
    assert list(data) == [
        "valid", "format", "document_code", "issuing_state", "document_number",
        "nationality", "surname", "given_names", "birth_date", "expiry_date", "sex",
        "personnummer", "checks", "expired", "errors",
    ]  # fmt: skip
    assert data["birth_date"] == "1985-03-12"
    assert data["personnummer"] == "198503122387"


def test_result_is_frozen() -> None:
    import dataclasses

    result = mrz.parse(SWEDISH_PASSPORT, TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.valid = False  # type: ignore[misc]


@pytest.mark.parametrize("written", ["7010632391", "197010632391"])
def test_samordningsnummer_in_the_zone_is_read(written: str) -> None:
    # Born 3 October 1970, day + 60 in the number: python-stdnum's se.personnummer refused
    # it, and the document's holder was left without a number.
    fields = mrz_compose.ZoneFields(
        "P", "SWE", "AB1234567", "SWE", "Öberg", "Åsa", date(1970, 10, 3),
        date(2031, 6, 30), "F", written,
    )  # fmt: skip
    result = mrz.parse(mrz_compose.compose("TD3", fields), TODAY)
    assert result.valid, result.errors
    assert result.personnummer == "197010632391"


def test_samordningsnummer_must_stand_for_the_zones_birth_date() -> None:
    fields = mrz_compose.ZoneFields(
        "P", "SWE", "AB1234567", "SWE", "Öberg", "Åsa", date(1970, 10, 4),
        date(2031, 6, 30), "F", "7010632391",
    )  # fmt: skip
    result = mrz.parse(mrz_compose.compose("TD3", fields), TODAY)
    assert result.personnummer is None
    assert mrz.PROBLEM_PERSONNUMMER in [p.key for p in result.errors]

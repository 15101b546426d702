"""Property tests: composed zones round-trip; any text gives a result or a typed error."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.documents import mrz, mrz_compose
from kiosk.documents.countries import ISO_ALPHA3
from kiosk.documents.errors import MrzUnreadableError
from tests.unit.documents.zones import SPECIMEN_TD1, SPECIMEN_TD3, TODAY

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = LETTERS + "0123456789"
STATES = sorted(ISO_ALPHA3)

words = st.text(LETTERS, min_size=1, max_size=8)
name_words = st.lists(words, min_size=1, max_size=3)


@st.composite
def zones(draw: st.DrawFn) -> tuple[str, mrz_compose.ZoneFields]:
    fmt = draw(st.sampled_from(["TD1", "TD2", "TD3"]))
    code = "P" if fmt == "TD3" else draw(st.sampled_from(["I", "A", "C", "ID"]))
    # Two-digit years: a birth date is read within the 100 years up to today.
    birth = draw(st.dates(date(1926, 11, 29), date(2026, 11, 1)))
    expiry = draw(st.dates(TODAY, date(2036, 12, 31)))
    max_number = 14 if fmt == "TD1" else 9
    number = draw(st.text(ALNUM, min_size=1, max_size=max_number))
    optional = draw(st.text(ALNUM, max_size=3 if len(number) > 9 else 14 if fmt == "TD3" else 7))
    surname = draw(name_words)
    given_names = draw(st.lists(words, max_size=2))
    fields = mrz_compose.ZoneFields(
        document_code=code,
        issuing_state=draw(st.sampled_from(STATES)),
        document_number=number,
        nationality=draw(st.sampled_from(STATES)),
        surname=" ".join(surname),
        given_names=" ".join(given_names),
        birth_date=birth,
        expiry_date=expiry,
        sex=draw(st.sampled_from("MF<")),
        optional_data=optional,
        optional_data_2=draw(st.text(ALNUM, max_size=11)) if fmt == "TD1" else "",
    )
    return fmt, fields


@settings(max_examples=600, deadline=None)
@given(zones())
def test_composed_zones_round_trip(zone: tuple[str, mrz_compose.ZoneFields]) -> None:
    fmt, fields = zone
    lines = mrz_compose.compose(fmt, fields)
    result = mrz.parse(lines, TODAY)
    assert result.format == fmt
    assert result.checks_ok, result.checks
    assert result.document_number == fields.document_number
    assert result.document_code == fields.document_code
    assert result.issuing_state == fields.issuing_state
    assert result.nationality == fields.nationality
    assert result.birth_date == fields.birth_date
    assert result.expiry_date == fields.expiry_date
    assert result.sex == {"<": "X"}.get(fields.sex, fields.sex)
    width = mrz.LINE_LENGTHS[fmt] if fmt == "TD1" else mrz.LINE_LENGTHS[fmt] - 5
    full = mrz_compose.name_field(fields.surname, fields.given_names, 99).rstrip("<")
    if len(full) <= width:  # not truncated
        assert result.surname == fields.surname
        assert result.given_names == fields.given_names
    assert result.valid, result.errors


mrz_text = st.text(alphabet=LETTERS + "0123456789<\n ", max_size=140)
any_text = st.text(max_size=140)


def _parse_or_typed_error(text: str) -> None:
    try:
        result = mrz.parse(text, TODAY)
    except MrzUnreadableError:
        return
    assert isinstance(result, mrz.MrzResult)
    result.to_json()


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_any_text_gives_a_result_or_a_typed_error(text: str) -> None:
    _parse_or_typed_error(text)


@settings(max_examples=300, deadline=None)
@given(mrz_text)
def test_any_mrz_alphabet_text_gives_a_result_or_a_typed_error(text: str) -> None:
    _parse_or_typed_error(text)


@st.composite
def mutated_zones(draw: st.DrawFn) -> str:
    lines = list(draw(st.sampled_from([SPECIMEN_TD1, SPECIMEN_TD3])))
    for _ in range(draw(st.integers(1, 6))):
        li = draw(st.integers(0, len(lines) - 1))
        ci = draw(st.integers(0, len(lines[li]) - 1))
        lines[li] = lines[li][:ci] + draw(st.sampled_from(ALNUM + "<")) + lines[li][ci + 1 :]
    return "\n".join(lines)


@settings(max_examples=400, deadline=None)
@given(mutated_zones())
def test_well_shaped_zones_with_any_characters_never_raise(text: str) -> None:
    result = mrz.parse(text, TODAY)  # right shape: always a result, never an exception
    assert isinstance(result.valid, bool)

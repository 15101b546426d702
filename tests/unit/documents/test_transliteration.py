"""ICAO 9303 transliteration of names (part 3, section 6)."""

from __future__ import annotations

import pytest

from kiosk.documents.transliteration import normalise, to_mrz, to_mrz_plain


@pytest.mark.parametrize(
    ("name", "mrz"),
    [
        ("Åsa", "AASA"),
        ("Ärlig", "AERLIG"),
        ("Öberg", "OEBERG"),
        ("Müller", "MUELLER"),
        ("Strauß", "STRAUSS"),
        ("Søren", "SOEREN"),
        ("Ærø", "AEROE"),
        ("Þór", "THOR"),
        ("José", "JOSE"),
        ("Françoise", "FRANCOISE"),
        ("Łukasz", "LUKASZ"),
        ("Anna-Karin", "ANNA<KARIN"),
        ("Van der Berg", "VAN<DER<BERG"),
        ("O'Brien", "OBRIEN"),
        ("nyström", "NYSTROEM"),
    ],
)
def test_icao_transliteration(name: str, mrz: str) -> None:
    assert to_mrz(name) == mrz


def test_plain_variant_drops_accents() -> None:
    assert to_mrz_plain("Åsa Öberg Ärling Über") == "ASA<OBERG<ARLING<UBER"


def test_normalise_makes_mrz_and_register_forms_equal() -> None:
    assert normalise("Anna-Karin  Öberg") == "ANNA KARIN OEBERG"
    assert normalise("ANNA<KARIN<OEBERG") == "ANNA KARIN OEBERG"
    assert normalise("Öberg", plain=True) == "OBERG"


def test_unknown_symbols_are_dropped_not_raised() -> None:
    assert to_mrz("Anna ☃ 李") == "ANNA<<"

"""Every card error has its texts in both languages; messages carry no secrets."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path

import pytest

from devices.card import errors
from devices.card.pin import PinState
from devices.errors import DeviceError
from devices.virtual.pki import TestPki
from devices.virtual.pki_files import load_or_create_pki, save_pki
from kiosk.i18n import Catalogue

CARD_ERRORS = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, DeviceError) and cls.__module__ == errors.__name__
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("cls", CARD_ERRORS, ids=lambda c: c.__name__)
def test_keys_exist_in_both_languages(lang: str, cls: type[DeviceError]) -> None:
    catalogue = Catalogue(lang)
    assert catalogue.has(cls.key), cls.key
    if cls.hint_key is not None:
        assert catalogue.has(cls.hint_key), cls.hint_key


def test_r6_wrong_pin_reads_well_in_swedish() -> None:
    text = Catalogue("sv").error(errors.WrongPinError(state=PinState.exact(2)))
    assert text.startswith("Fel PIN-kod. 2 försök kvar.")
    assert "⟨" not in text


def test_unexpected_status_shows_hex() -> None:
    assert "6F00" in Catalogue("en").error(errors.UnexpectedStatusError(sw=0x6F00))


def test_card_catalogue_files_have_same_keys() -> None:
    from tests.support.catalogue_areas import area_texts

    sv, en = area_texts("sv", "card"), area_texts("en", "card")
    assert sv and sv.keys() == en.keys()


def test_pki_save_and_load(tmp_path: Path, now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    save_pki(pki, tmp_path)
    again = load_or_create_pki(tmp_path, now=now)
    assert again.root == pki.root and again.intermediate == pki.intermediate
    assert again.now == pki.now
    holder = again.issue_holder("191212121212", "X")
    holder.authentication.cert.verify_directly_issued_by(pki.intermediate)

"""Every catalogue key of the documents area exists in Swedish and English."""

from __future__ import annotations

import string

import pytest

import devices.scanner.errors as scanner_errors
import devices.virtual.scanner as virtual_scanner
import kiosk.documents.errors as document_errors
import kiosk.services.identity as identity
from devices.scanner import framing
from kiosk.documents import mrz
from kiosk.documents.kinds import KIND_RULES
from tests.support.catalogue_areas import area_texts


def _area(lang: str) -> dict[str, str]:
    return area_texts(lang, "documents")


def _error_classes() -> list[type]:
    found = []
    for module in (document_errors, scanner_errors, virtual_scanner):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Exception)
                and hasattr(value, "key")
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


def _keys() -> set[str]:
    keys: set[str] = set(mrz.PROBLEM_KEYS)
    for cls in _error_classes():
        keys.add(cls.key)
        if cls.hint_key:
            keys.add(cls.hint_key)
    for rule in KIND_RULES.values():
        keys.add(rule.label_key)
        if rule.refusal_key:
            keys.add(rule.refusal_key)
    keys |= {v for k, v in vars(identity).items() if k.startswith("REASON_")}
    keys |= {f"documents.check.{v}" for k, v in vars(identity).items() if k.startswith("CHECK_")}
    keys |= {f"scanner.rejected.{v}" for k, v in vars(framing).items() if k.startswith("REJECT_")}
    return keys


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_key_is_in_the_catalogue(lang: str) -> None:
    missing = _keys() - set(_area(lang))
    assert not missing, sorted(missing)


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    sv, en = _area("sv"), _area("en")
    assert set(sv) == set(en)
    fields = string.Formatter()
    for key in sv:
        names_sv = {f for _, f, _, _ in fields.parse(sv[key]) if f}
        names_en = {f for _, f, _, _ in fields.parse(en[key]) if f}
        assert names_sv == names_en, key


def test_error_fallback_texts_use_the_same_placeholders_as_the_catalogue() -> None:
    en = _area("en")
    fields = string.Formatter()
    for cls in _error_classes():
        english = {f for _, f, _, _ in fields.parse(cls.english) if f}
        catalogue = {f for _, f, _, _ in fields.parse(en[cls.key]) if f}
        assert english == catalogue, cls.__name__

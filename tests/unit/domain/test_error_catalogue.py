"""Every typed error's key and hint_key exists in both languages.

Generic: it imports the four error roots (``kiosk.errors``, ``devices.errors``,
``store.errors``, ``central.errors``) and every other ``errors.py`` module in ``kiosk/``,
``devices/``, ``store/`` and ``central/``, then walks ``__subclasses__`` recursively, so
errors that other areas add are checked too. The domain area (``# area: domain``) is also
checked for same keys and same placeholders in both languages, and its notice keys and
plain words.
"""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.i18n import LANGUAGES, load_language

ROOT = Path(__file__).resolve().parents[3]
ROOTS = ("kiosk.errors", "devices.errors", "store.errors", "central.errors")


def _error_modules() -> list[str]:
    names = set(ROOTS)
    for package in ("kiosk", "devices", "store", "central"):
        for path in (ROOT / package).rglob("errors.py"):
            names.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return sorted(names)


def _walk(cls: type) -> Iterator[type]:
    yield cls
    sub: type
    for sub in cls.__subclasses__():
        yield from _walk(sub)


def _all_error_classes() -> list[type]:
    for name in _error_modules():
        importlib.import_module(name)
    kiosk_errors = importlib.import_module("kiosk.errors")
    devices_errors = importlib.import_module("devices.errors")
    store_errors = importlib.import_module("store.errors")
    central_errors = importlib.import_module("central.errors")
    roots = [
        kiosk_errors.KioskError,
        devices_errors.DeviceError,
        store_errors.StoreError,
        central_errors.CentralError,
    ]
    seen: dict[str, type] = {}
    for root in roots:
        for cls in _walk(root):
            seen[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [seen[k] for k in sorted(seen)]


ERRORS = _all_error_classes()


def test_the_walk_finds_the_domain_errors() -> None:
    names = {cls.__name__ for cls in ERRORS}
    assert {
        "IllegalTransitionError",
        "CardIsBlockedError",
        "InvalidPersonnummerError",
        "WrongOfficeError",
    } <= names


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_error_key_and_hint_exists(cls: type, lang: str) -> None:
    texts = load_language(lang)
    key = cls.key  # type: ignore[attr-defined]
    hint_key = cls.hint_key  # type: ignore[attr-defined]
    assert isinstance(key, str)
    assert key in texts, f"{cls.__qualname__}.key {key!r} missing in {lang}"
    if hint_key is not None:
        assert hint_key in texts, f"{cls.__qualname__}.hint_key {hint_key!r} missing in {lang}"


# --- the domain area --------------------------------------------------------------------


def _area(lang: str) -> dict[str, str]:
    from tests.support.catalogue_areas import area_texts

    texts = area_texts(lang, "domain")
    assert texts
    return texts


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_domain_area_has_the_same_keys_and_placeholders_in_both_languages() -> None:
    sv, en = _area("sv"), _area("en")
    assert sv.keys() == en.keys()
    for key in sv:
        sv_fields = {re.sub(r"_sv$", "_LANG", f) for f in _fields(sv[key])}
        en_fields = {re.sub(r"_en$", "_LANG", f) for f in _fields(en[key])}
        assert sv_fields == en_fields, key
        assert not any(f.endswith("_en") for f in _fields(sv[key])), key
        assert not any(f.endswith("_sv") for f in _fields(en[key])), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_domain_notice_keys_exist(lang: str) -> None:
    from kiosk.domain.notices import NOTICE_KEYS

    missing = sorted(NOTICE_KEYS - load_language(lang).keys())
    assert not missing


def test_domain_words_match_the_catalogue() -> None:
    from kiosk.domain.words import ROLE_WORDS, STATE_WORDS

    for index, lang in enumerate(LANGUAGES):
        texts = load_language(lang)
        for state, words in STATE_WORDS.items():
            assert texts[f"card.state.{state.value}"] == words[index]
        for role, words in ROLE_WORDS.items():
            assert texts[f"role.{role.value}"] == words[index]


def test_domain_errors_format_with_their_english_fallback() -> None:
    """Each domain error's English fallback uses only the placeholders its en text uses."""
    en = _area("en")
    for cls in ERRORS:
        if cls.__module__ != "kiosk.errors" or cls.key not in en:  # type: ignore[attr-defined]
            continue
        english = cls.english  # type: ignore[attr-defined]
        assert _fields(english) == _fields(en[cls.key]), cls.__qualname__  # type: ignore[attr-defined]

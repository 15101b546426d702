"""The gettext catalogue: complete in both languages, compiled, with plural forms.

``tools.catalogue.check`` is what ``make test`` runs on the shipped files: every message
translated in Swedish and English, the same placeholders, the ``.mo`` compiled from the
``.po``, the ``.pot`` current, every key the code passes literally in the catalogue.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from devices.card.errors import WrongPinError
from devices.card.pin import PinState
from kiosk.i18n import Catalogue
from tools import catalogue as tool


def test_catalogue_is_translated_compiled_and_consistent() -> None:
    assert tool.check() == []


@pytest.fixture
def locale_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "locale"
    shutil.copytree(tool.LOCALE, copy)
    return copy


def test_check_names_an_untranslated_message_and_a_stale_mo(locale_copy: Path) -> None:
    path = tool.po_path(locale_copy, "en")
    catalog = tool.read_catalogue(path, "en")
    del catalog["ui.login.title"]
    tool.write_catalogue(catalog, path)
    problems = tool.check(locale_copy)
    assert "en: ui.login.title missing" in problems
    assert "en: kiosk.mo is not compiled from the .po (run compile)" in problems


def test_check_names_placeholders_that_differ(locale_copy: Path) -> None:
    path = tool.po_path(locale_copy, "sv")
    catalog = tool.read_catalogue(path, "sv")
    catalog["app.title"].string = "Kortkontoret {office}"
    tool.write_catalogue(catalog, path)
    tool.compile_all(locale_copy)
    assert tool.check(locale_copy) == ["app.title: placeholders ['office'] in sv, [] in en"]


def test_import_toml_merges_area_files_into_the_po_and_deletes_them(locale_copy: Path) -> None:
    for lang, text in (("sv", "Hej {name}"), ("en", "Hello {name}")):
        (locale_copy / lang / "greeting.toml").write_text(
            f'"ui.greeting" = "{text}"\n"app.title" = "{text}!"\n', encoding="utf-8"
        )
    tool.import_toml(locale_copy)
    assert not list(locale_copy.glob("*/*.toml"))
    assert tool.check(locale_copy) == []
    sv = tool.messages(tool.read_catalogue(tool.po_path(locale_copy, "sv"), "sv"))
    assert sv["ui.greeting"].string == "Hej {name}"
    assert tool.area_of(sv["ui.greeting"]) == "greeting"
    assert sv["app.title"].string == "Hej {name}!"  # the TOML text wins over the .po


@pytest.mark.parametrize(
    ("tries", "english", "swedish"),
    [
        (1, "Wrong PIN. 1 try left.", "Fel PIN-kod. 1 försök kvar."),
        (2, "Wrong PIN. 2 tries left.", "Fel PIN-kod. 2 försök kvar."),
    ],
)
def test_tries_left_takes_the_plural_form_of_its_count(
    tries: int, english: str, swedish: str
) -> None:
    error = WrongPinError(state=PinState.exact(tries))
    assert Catalogue("en").error(error).startswith(english)
    assert Catalogue("sv").error(error).startswith(swedish)


def test_plural_picks_the_form_in_both_languages() -> None:
    sv, en = Catalogue("sv"), Catalogue("en")
    key = "error.documents.mrz_line_count"
    assert "har 1 rad;" in sv.plural(key, 1, count=1)
    assert "har 4 rader;" in sv.plural(key, 4, count=4)
    assert "has 1 line;" in en.plural(key, 1, count=1)
    assert "has 0 lines;" in en(key, count=0)
    assert sv.has(key) and en.has("ui.login.title") and not en.has("ui.no.such.key")
    assert sv.plural("ui.no.such.key", 1) == "⟨ui.no.such.key⟩"

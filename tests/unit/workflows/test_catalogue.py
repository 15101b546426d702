"""Every workflow error text exists in Swedish and English, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from kiosk.i18n import Catalogue, load_language
from kiosk.services.workflows.errors import ALL_ERRORS, WorkflowError


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda e: e.__name__)
def test_error_keys_in_both_languages(error: type[WorkflowError]) -> None:
    sv, en = load_language("sv"), load_language("en")
    for key in filter(None, (error.key, error.hint_key)):
        assert key in sv and key in en, key
        assert _fields(sv[key]) == _fields(en[key]), key
    assert _fields(en[error.key]) == _fields(error.english)


def test_workflow_area_files_have_the_same_keys() -> None:
    import tomllib
    from importlib import resources

    files = {
        lang: tomllib.loads(
            resources.files("kiosk.locale").joinpath(lang, "workflows.toml").read_text("utf-8")
        )
        for lang in ("sv", "en")
    }
    assert set(files["sv"]) == set(files["en"])


def test_error_renders_in_swedish_with_params() -> None:
    from kiosk.services.workflows.errors import NotCardPuk

    text = Catalogue("sv").error(NotCardPuk(tries_left=4))
    assert "4 försök kvar" in text

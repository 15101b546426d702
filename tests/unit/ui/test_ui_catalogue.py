"""Every catalogue key the screens and the app use exists in Swedish and in English."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from devices.card.errors import PinError
from kiosk.errors import KioskError
from kiosk.i18n import LANGUAGES, load_language
from kiosk.services import errors as service_errors
from tests.support.catalogue_areas import area_texts

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [
    *sorted((ROOT / "screens").rglob("*.py")),  # the app too (screens/app.py)
    *sorted((ROOT / "kiosk" / "services").glob("*.py")),
]
KEY = re.compile(r"^(ui|error|hint|documents|workflows)\.[a-z0-9_.]+[a-z0-9_]$")
PREFIX = re.compile(r"^(ui|error|hint|documents|workflows)\.[a-z0-9_.]+\.$")


def _literals() -> tuple[set[str], set[str]]:
    keys: set[str] = set()
    prefixes: set[str] = set()
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        label_prefixes: set[int] = set()
        for node in ast.walk(tree):
            # label(t, "ui.card.state", value): a prefix of "ui.card.state.<value>"
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "label"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
            ):
                prefixes.add(f"{node.args[1].value}.")
                label_prefixes.add(id(node.args[1]))
        for node in ast.walk(tree):
            if id(node) in label_prefixes:
                continue
            if isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                text = first.value if isinstance(first, ast.Constant) else None
                if isinstance(text, str) and PREFIX.match(text):
                    prefixes.add(text)
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and KEY.match(node.value)
            ):
                keys.add(node.value)
    return keys, prefixes


def test_sources_use_catalogue_keys() -> None:
    keys, prefixes = _literals()
    assert len(keys) > 100 and "ui.login.title" in keys
    assert "ui.card.state." in prefixes


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_used_in_screens_and_app_exists(lang: str) -> None:
    texts = load_language(lang)
    keys, prefixes = _literals()
    missing = sorted(k for k in keys if k not in texts)
    assert not missing, f"{lang}: missing {missing}"
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in texts), f"{lang}: nothing under {prefix}"


def test_ui_area_has_the_same_keys_in_both_languages() -> None:
    areas = [set(area_texts(lang, "ui")) for lang in LANGUAGES]
    assert areas[0] and areas[0] == areas[1], areas[0] ^ areas[1]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_service_errors_have_texts(lang: str) -> None:
    texts = load_language(lang)
    for value in vars(service_errors).values():
        if (
            isinstance(value, type)
            and issubclass(value, KioskError | PinError)
            and value is not KioskError
        ):
            assert value.key in texts, value
            assert value.hint_key is None or value.hint_key in texts, value


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        (
            "ui.card.state.",
            [
                "ordered",
                "shipped",
                "active",
                "locked",
                "puk_blocked",
                "blocked",
                "returned",
                "replaced",
            ],
        ),
        (
            "ui.document.kind.",
            [
                "passport",
                "national_id_card",
                "swedish_driving_licence",
                "sis_id_card",
                "tax_agency_id_card",
                "digital_id",
            ],
        ),
    ],
)
def test_every_domain_value_has_a_label(prefix: str, values: list[str]) -> None:
    from kiosk.domain.types import CardState, DocumentKind

    enum = CardState if prefix == "ui.card.state." else DocumentKind
    assert sorted(values) == sorted(e.value for e in enum)
    for lang in LANGUAGES:
        texts = load_language(lang)
        for value in values:
            assert f"{prefix}{value}" in texts

"""The screens use Textual's public API: no product module or test reads or writes a
private attribute of a Textual object (``_bindings``, ``_screen_stacks``, ...), and every screen's
keys are class-level ``BINDINGS`` built from its ``KEYS``, described by catalogue keys."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.screen import Screen

import screens
from kiosk.i18n import Catalogue

ROOT = Path(__file__).resolve().parents[3]
# Private attributes the kiosk itself defines are its own business; these are Textual's.
TEXTUAL_PRIVATE = {"_bindings", "_screen_stacks", "_merged_bindings", "_keymap", "_nodes"}


def test_no_product_module_or_test_touches_textual_private_attributes() -> None:
    found: list[str] = []
    for folder in ("screens", "kiosk", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr in TEXTUAL_PRIVATE:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert found == []


def _screen_classes() -> list[type[Screen[object]]]:
    found: list[type[Screen[object]]] = []
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if value.__module__ == module.__name__ and issubclass(value, Screen):
                found.append(value)
    return found


def test_every_screen_key_is_a_class_binding_with_a_catalogue_description() -> None:
    sv, en = Catalogue("sv"), Catalogue("en")
    checked = 0
    for cls in _screen_classes():
        keys = getattr(cls, "KEYS", ())
        for spec_keys, action, description in keys:
            assert sv.has(description) and en.has(description), f"{cls.__name__}: {description}"
            declared = [
                binding
                for binding in cls.BINDINGS  # type: ignore[attr-defined]
                if getattr(binding, "action", None) == action
                and getattr(binding, "key", None) == spec_keys
            ]
            assert declared, f"{cls.__name__}: {spec_keys} -> {action} not in BINDINGS"
            checked += 1
    assert checked >= 20

"""The screens', the widgets' and the app's styles live in ``.tcss`` files beside their
modules, and the package ships them: no inline ``DEFAULT_CSS`` or ``CSS`` anywhere in
``screens/``. Widgets have no ``CSS_PATH``: the App loads their files."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import tomllib
from pathlib import Path, PurePath

from textual.app import App
from textual.screen import Screen
from textual.widget import Widget

import screens

ROOT = Path(__file__).resolve().parents[3]


def _classes() -> list[type]:
    found: list[type] = []
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if value.__module__ == module.__name__ and issubclass(value, Screen | App):
                found.append(value)
    return found


def _paths(cls: type) -> list[Path]:
    css_path = cls.CSS_PATH  # type: ignore[attr-defined]
    if css_path is None:
        return []
    items = [css_path] if isinstance(css_path, str | PurePath) else list(css_path)
    return [Path(item) for item in items]


def test_screens_and_the_app_take_their_css_from_tcss_files_beside_them() -> None:
    classes = _classes()
    assert len(classes) >= 15
    for cls in classes:
        assert not cls.__dict__.get("DEFAULT_CSS"), f"{cls.__name__}: DEFAULT_CSS"
        assert not cls.__dict__.get("CSS"), f"{cls.__name__}: inline CSS"
        own = Path(inspect.getfile(cls)).parent
        for path in _paths(cls):
            assert path.is_absolute(), f"{cls.__name__}: {path} (subclasses live elsewhere)"
            assert path.suffix == ".tcss" and path.is_file(), f"{cls.__name__}: {path}"
            assert path.parent == own or path.parent in own.parents, f"{cls.__name__}: {path}"
    styled = {cls.__name__ for cls in classes if _paths(cls)}
    assert {"KioskApp", "LoginScreen", "VisitScreen", "WorkflowScreen", "BlockScreen"} <= styled


def test_no_widget_keeps_inline_css_and_the_app_loads_their_files() -> None:
    from screens.app import KioskApp

    widgets: list[type] = []
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if value.__module__ == module.__name__ and issubclass(value, Widget):
                widgets.append(value)
    assert {"KeyBar", "StatusBar"} <= {cls.__name__ for cls in widgets}
    for cls in widgets:
        assert not cls.__dict__.get("DEFAULT_CSS"), f"{cls.__name__}: DEFAULT_CSS"
        assert not cls.__dict__.get("CSS"), f"{cls.__name__}: inline CSS"
        if issubclass(cls, Screen):
            continue
        beside = Path(inspect.getfile(cls)).with_suffix(".tcss")
        if beside.is_file():
            assert beside in _paths(KioskApp), f"{cls.__name__}: {beside.name} not loaded"


def test_the_package_ships_the_tcss_files() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "*.tcss" in pyproject["tool"]["setuptools"]["package-data"]["*"]

"""Dependencies point one way: screens → kiosk services → store, devices; store → protocol;
central → protocol.

Textual stays in ``screens/`` and the app assembly; exactly one module talks to pyscard
and exactly one to pyserial; devices and store never import the kiosk or the screens;
the protocol package imports none of the product's other packages; the central and the
kiosk's side (kiosk, screens, devices, store) do not import each other, bar the one
command module that registers ``kiosk central``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("kiosk", "screens", "devices", "store", "central", "protocol", "bench")
CENTRAL_COMMAND = "kiosk/commands/central.py"
APP_ASSEMBLY = {"kiosk/app.py"}


def _imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations/versions" in path.as_posix():
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names: set[str] = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module)
            found[path.relative_to(ROOT).as_posix()] = names
    return found


def _importers(prefix: str) -> set[str]:
    return {
        module
        for module, names in _imports().items()
        if any(name == prefix or name.startswith(prefix + ".") for name in names)
    }


def test_textual_only_in_screens_and_app_assembly() -> None:
    outside = {m for m in _importers("textual") if not m.startswith("screens/")}
    assert outside <= APP_ASSEMBLY, f"textual imported outside screens/: {sorted(outside)}"


def test_exactly_one_module_imports_smartcard() -> None:
    assert len(_importers("smartcard")) == 1, sorted(_importers("smartcard"))


def test_exactly_one_module_imports_serial() -> None:
    assert len(_importers("serial")) == 1, sorted(_importers("serial"))


def test_devices_and_store_do_not_import_upwards() -> None:
    for lower in ("devices/", "store/"):
        for module, names in _imports().items():
            if not module.startswith(lower):
                continue
            upward = {n for n in names if n.split(".")[0] in {"kiosk", "screens"}}
            assert not upward, f"{module} imports {sorted(upward)}"


def test_services_and_domain_do_not_import_screens() -> None:
    for module, names in _imports().items():
        if module.startswith("kiosk/") and module not in APP_ASSEMBLY:
            assert not {n for n in names if n.split(".")[0] == "screens"}, module


def test_protocol_imports_neither_side() -> None:
    sides = {"kiosk", "screens", "devices", "store", "central", "bench"}
    for module, names in _imports().items():
        if module.startswith("protocol/"):
            assert not {n for n in names if n.split(".")[0] in sides}, module


def test_the_central_and_the_kiosk_side_do_not_import_each_other() -> None:
    kiosk_side = {"kiosk", "screens", "devices", "store"}
    for module, names in _imports().items():
        tops = {n.split(".")[0] for n in names}
        if module.startswith("central/"):
            assert not tops & kiosk_side, f"{module} imports {sorted(tops & kiosk_side)}"
        elif module.split("/")[0] in kiosk_side and module != CENTRAL_COMMAND:
            assert "central" not in tops, module


def test_services_do_not_import_the_database_library() -> None:
    """The services reach the store through its data functions and records only."""
    forbidden = ("sqlalchemy", "sqlmodel", "store.models")
    for module, names in _imports().items():
        if module.startswith("kiosk/services/"):
            found = {n for n in names for f in forbidden if n == f or n.startswith(f + ".")}
            assert not found, f"{module} imports {sorted(found)}"

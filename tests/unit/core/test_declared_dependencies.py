"""The runtime dependencies in pyproject.toml are exactly what the product imports.

Every import (module level or inside a function) in the shipped packages (``PRODUCT``) that
is neither the standard library nor first party is mapped to the distribution that provides
it (``importlib.metadata.packages_distributions``) and must be declared in
``[project.dependencies]``, or in an extra, and then only in the modules that belong to that
extra (``EXTRA_MODULES``). ``dev`` is for the tests and tools: no product module imports it.
Conversely, every runtime dependency and every extra's distribution is imported somewhere
(in its extra's modules), unless ``INDIRECT`` says why it is needed anyway.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# The packages pyproject ships, bar the benchmarks (bench/ is a tool, like the tests).
PRODUCT = ("kiosk", "screens", "devices", "store", "central", "protocol", "clock")
FIRST_PARTY = frozenset(
    {"kiosk", "screens", "devices", "store", "bench", "tests", "central", "protocol", "clock"}
)
# The modules (paths relative to the repository, a trailing "/" for a folder) that may import
# an extra's distributions. Everything else runs on a plain install.
EXTRA_MODULES: Mapping[str, tuple[str, ...]] = {
    # the central sync service: Starlette app and uvicorn server
    "central": ("central/",),
    # no product module imports psycopg by name (see INDIRECT); the private PostgreSQL
    # server of the tests and benchmarks that does is tests/support/pgserver.py
    "postgres": (),
}
# Extras no product module may import.
TOOL_EXTRAS = frozenset({"dev"})
# Declared distributions that no module imports by name, and why they are needed anyway.
INDIRECT: Mapping[str, str] = {
    "tzdata": "zoneinfo reads Europe/Stockholm from it where the system has no tz database",
    "psycopg": "the kiosk store and the central reach it through SQLAlchemy's postgresql+psycopg"
    " dialect; a missing driver is turned into their postgres-extra error there",
}


def normalise(name: str) -> str:
    """PEP 503 name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, f"cannot read the name of requirement {requirement!r}"
    return normalise(match.group(1))


@cache
def project() -> Mapping[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        table = tomllib.load(handle)["project"]
    assert isinstance(table, dict)
    return table


def runtime_dependencies() -> frozenset[str]:
    deps = project()["dependencies"]
    assert isinstance(deps, list)
    return frozenset(requirement_name(r) for r in deps)


def extras() -> dict[str, frozenset[str]]:
    table = project().get("optional-dependencies", {})
    assert isinstance(table, dict)
    return {extra: frozenset(requirement_name(r) for r in reqs) for extra, reqs in table.items()}


def _imported_names(tree: ast.AST) -> set[str]:
    """Top-level names of every absolute import, wherever it sits in the module."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id == "__import__")
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and not node.args[0].value.startswith(".")
        ):
            names.add(node.args[0].value.partition(".")[0])
    return names


@cache
def third_party_imports() -> Mapping[str, frozenset[str]]:
    """Module path → the third-party top-level names it imports."""
    found: dict[str, frozenset[str]] = {}
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            names = {
                n
                for n in _imported_names(tree)
                if n not in sys.stdlib_module_names and n not in FIRST_PARTY
            }
            found[path.relative_to(ROOT).as_posix()] = frozenset(names)
    return found


@cache
def distributions_of() -> Mapping[str, frozenset[str]]:
    return {
        name: frozenset(normalise(d) for d in dists)
        for name, dists in packages_distributions().items()
    }


def _belongs_to(module: str, extra: str) -> bool:
    return any(module.startswith(prefix) for prefix in EXTRA_MODULES.get(extra, ()))


def undeclared(imports: Mapping[str, Iterable[str]]) -> list[str]:
    """One line per import the pyproject does not allow in its module."""
    runtime, by_extra = runtime_dependencies(), extras()
    problems: list[str] = []
    for module, names in sorted(imports.items()):
        for name in sorted(names):
            dists = distributions_of().get(name)
            if not dists:
                problems.append(f"{module}: imports {name}, which no installed distribution has")
                continue
            if dists & runtime:
                continue
            allowed = [
                extra
                for extra, declared in by_extra.items()
                if dists & declared and extra not in TOOL_EXTRAS and _belongs_to(module, extra)
            ]
            if allowed:
                continue
            where = sorted(extra for extra, declared in by_extra.items() if dists & declared)
            dist = ", ".join(sorted(dists))
            if not where:
                problems.append(f"{module}: imports {name} ({dist}), which pyproject lacks")
            else:
                problems.append(
                    f"{module}: imports {name} ({dist}), declared only in the extra(s) "
                    f"{', '.join(where)}, which this module does not belong to"
                )
    return problems


def unused() -> list[str]:
    """Declared distributions that nothing (in the modules allowed to) imports."""
    imports = third_party_imports()

    def used_in(modules: Iterable[str]) -> set[str]:
        return {
            dist
            for module in modules
            for name in imports[module]
            for dist in distributions_of().get(name, ())
        }

    problems = [
        f"runtime dependency {dist} is imported nowhere"
        for dist in sorted(runtime_dependencies() - used_in(imports) - set(INDIRECT))
    ]
    for extra, declared in sorted(extras().items()):
        if extra in TOOL_EXTRAS:
            continue
        mine = used_in(m for m in imports if _belongs_to(m, extra))
        problems.extend(
            f"extra {extra!r}: {dist} is imported by none of {EXTRA_MODULES.get(extra, ())}"
            for dist in sorted(declared - mine - set(INDIRECT))
        )
    return problems


def test_the_scan_sees_the_product_and_maps_import_names() -> None:
    imports = third_party_imports()
    assert "central/server.py" in imports
    assert "uvicorn" in imports["central/server.py"]
    assert "pypdf" in imports["kiosk/receipts/verify.py"]
    # imports inside functions count too
    assert "smartcard" in imports["devices/card/pcsc.py"]
    assert distributions_of()["smartcard"] == {"pyscard"}
    assert distributions_of()["stdnum"] == {"python-stdnum"}


def test_every_third_party_import_is_declared_for_its_module() -> None:
    problems = undeclared(third_party_imports())
    assert not problems, "\n".join(problems)


def test_every_declared_dependency_is_imported() -> None:
    problems = unused()
    assert not problems, "\n".join(problems)


def test_an_extra_import_outside_its_modules_fails() -> None:
    assert undeclared({"kiosk/services/lookup.py": {"starlette"}})
    assert undeclared({"store/database.py": {"psycopg"}})
    assert undeclared({"kiosk/receipts/verify.py": {"pytest"}})
    assert undeclared({"kiosk/services/lookup.py": {"no_such_module_anywhere"}})
    assert not undeclared({"central/app.py": {"starlette", "uvicorn"}})
    assert not undeclared({"kiosk/receipts/verify.py": {"pypdf"}})


def test_every_extra_has_its_modules_and_they_exist() -> None:
    product_extras = set(extras()) - TOOL_EXTRAS
    assert product_extras == set(EXTRA_MODULES), "EXTRA_MODULES and pyproject's extras differ"
    for extra, prefixes in EXTRA_MODULES.items():
        for prefix in prefixes:
            assert (ROOT / prefix).exists(), f"extra {extra!r}: {prefix} does not exist"


def test_indirect_entries_are_declared_and_not_imported_directly() -> None:
    declared = runtime_dependencies().union(*extras().values())
    imported = {
        dist
        for names in third_party_imports().values()
        for name in names
        for dist in distributions_of().get(name, ())
    }
    for dist, reason in INDIRECT.items():
        assert reason
        assert dist in declared, f"INDIRECT lists {dist}, which pyproject does not declare"
        assert dist not in imported, f"INDIRECT lists {dist}, which is imported directly"

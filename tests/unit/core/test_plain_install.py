"""Every ``kiosk`` command runs from a plain install (``pip install card-office-kiosk``).

No second virtual environment: each command runs in a subprocess whose ``PYTHONPATH``
holds a ``sitecustomize.py`` that puts a finder first on ``sys.meta_path`` refusing
(``ModuleNotFoundError``) every top-level module of an installed distribution that a plain
install would not bring: the ``central``, ``postgres`` and ``dev`` extras (starlette,
uvicorn, psycopg, pytest, hypothesis, mypy, ...) and whatever only they pull in. What a
plain install brings is the closure of ``[project.dependencies]`` over the installed
distributions' own requirements.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution, packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from kiosk.cli import build_parser

ROOT = Path(__file__).resolve().parents[3]
PROJECT = "card-office-kiosk"
# There in every virtual environment, whatever the project declares.
ALWAYS_PRESENT = frozenset({"pip", "setuptools", "wheel"})
MUST_BE_REFUSED = frozenset({"starlette", "uvicorn", "psycopg", "pytest", "hypothesis", "mypy"})
REFUSED_ENV = "KIOSK_TEST_REFUSED_MODULES"

SITECUSTOMIZE = f'''
"""A plain install: refuses the top-level modules listed in ${REFUSED_ENV}."""
import os
import sys

_REFUSED = frozenset(filter(None, os.environ.get("{REFUSED_ENV}", "").split(",")))


class _PlainInstall:
    @staticmethod
    def find_spec(name, path=None, target=None):
        top = name.partition(".")[0]
        if top in _REFUSED:
            raise ModuleNotFoundError(f"No module named {{top!r}} (plain install)", name=top)
        return None


sys.meta_path.insert(0, _PlainInstall())
'''


@cache
def plain_install() -> frozenset[str]:
    """Normalised names of the distributions ``pip install card-office-kiosk`` brings."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        roots = tomllib.load(handle)["project"]["dependencies"]
    names: set[str] = set()
    done: set[tuple[str, frozenset[str]]] = set()
    pending = [Requirement(r) for r in roots]
    while pending:
        req = pending.pop()
        name = canonicalize_name(req.name)
        if (name, frozenset(req.extras)) in done:
            continue
        done.add((name, frozenset(req.extras)))
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue  # not installed here: nothing of it to refuse either
        names.add(name)
        environments = [{"extra": extra} for extra in sorted(req.extras) or [""]]
        for text in requires:
            sub = Requirement(text)
            if sub.marker is None or any(sub.marker.evaluate(e) for e in environments):
                pending.append(sub)
    return frozenset(names)


@cache
def refused_modules() -> frozenset[str]:
    """Top-level modules of the installed distributions a plain install lacks."""
    keep = plain_install() | ALWAYS_PRESENT | {PROJECT}
    refused: set[str] = set()
    for module, dists in packages_distributions().items():
        names = {canonicalize_name(d) for d in dists}
        if names & keep or module in sys.stdlib_module_names or not module.isidentifier():
            continue
        refused.add(module)
    return frozenset(refused)


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plain-install")
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return folder


def python(
    site_dir: Path, args: Sequence[str], *, refused: frozenset[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` as on a plain install (``refused``: the modules to refuse instead)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "KIOSK_", "PYTEST_"))
    }
    env["PYTHONPATH"] = str(site_dir)
    env[REFUSED_ENV] = ",".join(sorted(refused_modules() if refused is None else refused))
    env["HOME"] = str(site_dir)
    env["XDG_DATA_HOME"] = str(site_dir / "data")
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def kiosk(
    site_dir: Path, args: Sequence[str], *, refused: frozenset[str] | None = None
) -> subprocess.CompletedProcess[str]:
    return python(site_dir, ["-m", "kiosk", *args], refused=refused)


def _command_paths(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...]
) -> Iterator[tuple[str, ...]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from _command_paths(sub, (*prefix, name))


COMMANDS = sorted(_command_paths(build_parser(), ()))


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kiosk: "), result.stderr
    return lines[0]


def test_a_plain_install_lacks_the_extras_and_the_tools() -> None:
    refused = refused_modules()
    assert refused >= MUST_BE_REFUSED, sorted(MUST_BE_REFUSED - refused)
    # what the kiosk itself needs stays
    assert not refused & {"textual", "rich", "sqlmodel", "sqlalchemy", "pypdf", "smartcard"}


def test_the_finder_refuses_them_in_the_subprocess(site_dir: Path) -> None:
    probe = (
        "import importlib, sys\n"
        "names = sys.argv[1].split(',')\n"
        "loaded = sorted(n for n in names if n in sys.modules)\n"
        "assert not loaded, loaded\n"
        "for name in names:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ModuleNotFoundError as exc:\n"
        "        assert exc.name == name, exc\n"
        "    else:\n"
        "        raise AssertionError(name + ' imported')\n"
        "import pypdf, textual, sqlmodel\n"
    )
    result = python(site_dir, ["-c", probe, ",".join(sorted(MUST_BE_REFUSED))])
    assert result.returncode == 0, result.stderr


def test_every_command_is_discovered() -> None:
    assert {("central",), ("receipt", "verify"), ("audit", "verify"), ("demo",)} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_runs_from_a_plain_install(site_dir: Path, command: tuple[str, ...]) -> None:
    result = kiosk(site_dir, [*command, "--help"])
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: kiosk " + " ".join(command)), result.stdout


def test_receipt_verify_on_a_missing_file(site_dir: Path, tmp_path: Path) -> None:
    result = kiosk(site_dir, ["receipt", "verify", str(tmp_path / "missing.pdf"), "--lang", "en"])
    assert result.returncode == 1
    assert str(tmp_path / "missing.pdf") in _one_error_line(result)


def test_receipt_verify_reads_a_pdf(site_dir: Path, tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from store.database import open_store
    from store.keys import load_or_create_keys

    open_store(
        f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", load_or_create_keys(tmp_path / "kiosk.key")
    ).close()
    pdf = tmp_path / "letter.pdf"
    canvas = Canvas(str(pdf))
    canvas.drawString(72, 720, "Not a receipt")
    canvas.save()
    result = kiosk(
        site_dir, ["receipt", "verify", str(pdf), "--data", str(tmp_path), "--lang", "en"]
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    from kiosk.i18n import Catalogue

    assert Catalogue("en")("receipt.verify.not_receipt") in result.stdout


def test_central_names_the_central_extra(site_dir: Path, tmp_path: Path) -> None:
    key = tmp_path / "central.key"
    result = kiosk(
        site_dir,
        ["central", "--db", f"sqlite:///{tmp_path / 'c.sqlite3'}", "--field-key", str(key)],
    )
    assert result.returncode == 1
    line = _one_error_line(result)
    assert "'central' extra" in line
    assert "pip install 'card-office-kiosk[central]'" in line
    assert not key.exists(), "nothing is set up before the extra is found missing"


def test_central_administration_needs_no_extra(site_dir: Path, tmp_path: Path) -> None:
    result = kiosk(
        site_dir,
        [
            "central",
            "--db",
            f"sqlite:///{tmp_path / 'c.sqlite3'}",
            "--field-key",
            str(tmp_path / "central.key"),
            "--add-operator",
            "SE2321000016-0001",
            "--role",
            "clerk",
            "--office",
            "KK-SOLNA",
        ],
    )
    assert result.returncode == 0, result.stderr
    assert "SE2321000016-0001" in result.stdout


POSTGRES_URL = "postgresql://kiosk@127.0.0.1:9/kiosk"


def _names_the_postgres_extra(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1
    line = _one_error_line(result)
    assert "'postgres' extra" in line
    assert "pip install 'card-office-kiosk[postgres]'" in line


def test_a_kiosk_store_on_postgresql_names_the_postgres_extra(
    site_dir: Path, tmp_path: Path
) -> None:
    from store.keys import load_or_create_keys

    load_or_create_keys(tmp_path / "kiosk.key")
    _names_the_postgres_extra(
        kiosk(
            site_dir,
            [
                *("audit", "verify", "--db", POSTGRES_URL),
                *("--key", str(tmp_path / "kiosk.key"), "--lang", "en"),
            ],
        )
    )


def test_central_administration_on_postgresql_names_the_postgres_extra(
    site_dir: Path, tmp_path: Path
) -> None:
    args = ["--field-key", str(tmp_path / "central.key"), "--add-operator", "SE1", "--role"]
    _names_the_postgres_extra(
        kiosk(site_dir, ["central", "--db", POSTGRES_URL, *args, "clerk", "--office", "KK"])
    )


def test_the_central_without_psycopg_names_the_postgres_extra(
    site_dir: Path, tmp_path: Path
) -> None:
    only_postgres = frozenset(m for m in refused_modules() if m.startswith("psycopg"))
    assert "psycopg" in only_postgres
    _names_the_postgres_extra(
        kiosk(
            site_dir,
            [
                *("central", "--db", POSTGRES_URL, "--field-key", str(tmp_path / "central.key")),
                "--insecure-no-client-auth",
            ],
            refused=only_postgres,
        )
    )

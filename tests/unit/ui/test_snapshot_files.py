"""Every stored UI snapshot belongs to a UI test that still exists.

syrupy finds unused snapshots only in a run without pytest-xdist, and `make test` runs the
UI snapshot tests in parallel, so this check does it: collect the modules that own snapshot
directories (a pytest subprocess) and match each ``__snapshots__/<module>/<test id>.svg`` to
a collected test. A directory whose module is gone owns no test, so all its files are orphans."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
UI_TESTS = ROOT / "tests" / "ui"


def collected_tests(modules: list[Path]) -> set[str]:
    if not modules:
        return set()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *map(str, modules), "--collect-only", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return {line for line in result.stdout.splitlines() if "::" in line}


def owning_module(snapshot: Path) -> Path:
    return snapshot.parent.parent.parent / f"{snapshot.parent.name}.py"


def snapshot_owner(snapshot: Path) -> str:
    """The test id a snapshot file was written by; a test's second and later snapshots
    carry ``.1``, ``.2``, ... after the test id."""
    module = owning_module(snapshot)
    test_id = re.sub(r"\.\d+$", "", snapshot.stem)
    return f"{module.relative_to(ROOT).as_posix()}::{test_id}"


def test_every_snapshot_file_belongs_to_a_collected_ui_test() -> None:
    snapshots = sorted(UI_TESTS.rglob("__snapshots__/*/*.svg"))
    assert snapshots, "no snapshot files found: has the layout changed?"
    modules = sorted({owning_module(s) for s in snapshots if owning_module(s).is_file()})
    collected = collected_tests(modules)
    orphans = [s.relative_to(ROOT) for s in snapshots if snapshot_owner(s) not in collected]
    assert not orphans, f"snapshots of no test (delete them): {orphans}"

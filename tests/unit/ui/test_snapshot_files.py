"""Every stored UI snapshot belongs to a UI test that still exists.

syrupy finds unused snapshots only in a run without pytest-xdist, and `make test` runs the
UI snapshot tests on two workers, so this check does it: collect tests/ui (a pytest
subprocess) and match each ``__snapshots__/<module>/<test id>.svg`` to a collected test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
UI_TESTS = ROOT / "tests" / "ui"


def collected_ui_tests() -> set[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/ui", "--collect-only", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return {line for line in result.stdout.splitlines() if "::" in line}


def snapshot_owner(snapshot: Path) -> str:
    """The test id a snapshot file was written by; a test's second and later snapshots
    carry ``.1``, ``.2``, ... after the test id."""
    module = snapshot.parent.parent.parent / f"{snapshot.parent.name}.py"
    test_id = re.sub(r"\.\d+$", "", snapshot.stem)
    return f"{module.relative_to(ROOT).as_posix()}::{test_id}"


def test_every_snapshot_file_belongs_to_a_collected_ui_test() -> None:
    snapshots = sorted(UI_TESTS.rglob("__snapshots__/*/*.svg"))
    assert snapshots, "no snapshot files found: has the layout changed?"
    collected = collected_ui_tests()
    orphans = [s.relative_to(ROOT) for s in snapshots if snapshot_owner(s) not in collected]
    assert not orphans, f"snapshots of no test (delete them): {orphans}"

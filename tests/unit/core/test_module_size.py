"""No module over 400 lines (the developers' guide), product, tests, benchmarks and
tools alike; migrations are generated history and do not count."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("clock", "kiosk", "screens", "devices", "store", "central", "protocol")
MAX_LINES = 400


def _modules() -> list[Path]:
    found = []
    for top in (*PACKAGES, "tests", "bench", "tools"):
        for path in (ROOT / top).rglob("*.py"):
            if "versions" not in path.parts:
                found.append(path)
    return found


def test_no_module_is_over_400_lines() -> None:
    modules = _modules()
    assert len(modules) > 300  # the tree was found
    over = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert over == {}

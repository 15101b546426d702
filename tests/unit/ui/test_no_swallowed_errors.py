"""No test helper swallows unrelated exceptions: a ``suppress``/``except`` in tests names
the errors it expects (a card refusing a PIN, a timeout), never ``Exception`` itself."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[2]
BROAD = {"Exception", "BaseException"}


def _names(node: ast.expr | None) -> set[str]:
    if node is None:
        return {"(bare)"}
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    return {item.id for item in items if isinstance(item, ast.Name)}


def test_no_test_code_suppresses_every_exception() -> None:
    found: list[str] = []
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "suppress":
                if any(_names(arg) & BROAD for arg in node.args):
                    found.append(f"{path.relative_to(TESTS)}:{node.lineno} suppress")
            elif isinstance(node, ast.ExceptHandler) and _names(node.type) & (BROAD | {"(bare)"}):
                body = ast.unparse(node)
                if "raise" not in body and "append" not in body:  # re-raised or reported
                    found.append(f"{path.relative_to(TESTS)}:{node.lineno} except")
    assert found == []

"""One identity-number check for the whole project: only ``protocol/identity_number.py``
knows the rules (python-stdnum's Luhn digit, the samordningsnummer day, the centuries).

python-stdnum's own ``se.personnummer`` refuses samordningsnummer, and a second check
beside the domain's is how certificates and documents came to disagree with it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCT_PACKAGES = ("kiosk", "screens", "devices", "store", "central", "protocol", "clock")
THE_CHECK = "protocol/identity_number.py"


def stdnum_imports(source: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names if a.name.startswith("stdnum"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("stdnum"):
            found.extend((node.lineno, f"{node.module}.{a.name}") for a in node.names)
    return found


def test_the_detector_sees_stdnum_imports() -> None:
    source = "import stdnum.se.personnummer\nfrom stdnum import luhn\nfrom stdnum.se import x\n"
    assert [line for line, _ in stdnum_imports(source)] == [1, 2, 3]


def test_only_the_one_check_uses_stdnum() -> None:
    offenders = [
        f"{path.relative_to(ROOT).as_posix()}:{line}: {name}"
        for package in PRODUCT_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.relative_to(ROOT).as_posix() != THE_CHECK
        for line, name in stdnum_imports(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []

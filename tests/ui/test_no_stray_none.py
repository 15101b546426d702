"""No Swedish screen shows a stray English "None"/"none" (Python's None formatted into a
text): every Swedish snapshot (each one a screen as the snapshot scenarios leave it at 80x24,
kept equal to the running app by the snapshot tests) is read back to its lines of text."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path

import pytest

UI_TESTS = Path(__file__).parent
SWEDISH_SNAPSHOTS = sorted(
    path
    for path in UI_TESTS.rglob("__snapshots__/**/*.svg")
    if re.search(r"[\[-]sv[\]-]", path.name)
)
STRAY_NONE = re.compile(r"\b[Nn]one\b")  # not a Swedish word; "ingen"/"inget" are
TEXT_SPAN = re.compile(r'<text[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', re.S)


def screen_lines(svg: str) -> list[str]:
    """The screen's rows: Textual writes each styled run as its own ``<text>`` at the row's
    y; the runs of one row joined give the row as the terminal showed it."""
    rows: dict[str, list[str]] = defaultdict(list)
    for y, content in TEXT_SPAN.findall(svg):
        rows[y].append(html.unescape(re.sub(r"<[^>]+>", "", content)).replace("\xa0", " "))
    return ["".join(runs) for _, runs in sorted(rows.items(), key=lambda row: float(row[0]))]


def stray_none(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if STRAY_NONE.search(line)]


def test_the_reader_finds_a_stray_none_and_passes_swedish_words() -> None:
    assert stray_none(["Produktnummer: None", "Övrigt: none"]) == [
        "Produktnummer: None",
        "Övrigt: none",
    ]
    assert stray_none(["Inga personer", "Nonesuch", "Ingen spärr"]) == []


def test_there_are_swedish_snapshots_to_read() -> None:
    assert len(SWEDISH_SNAPSHOTS) >= 20


@pytest.mark.parametrize("path", SWEDISH_SNAPSHOTS, ids=lambda path: path.stem)
def test_no_stray_none_on_a_swedish_screen(path: Path) -> None:
    lines = screen_lines(path.read_text(encoding="utf-8"))
    assert any(line.strip() for line in lines), "nothing read from the snapshot"
    assert stray_none(lines) == []

"""Reading PDFs back in tests: text with pypdf, pixels with poppler's pdftoppm."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def render_gray(pdf: bytes, tmp: Path, dpi: int = 40) -> list[tuple[int, int, bytes]]:
    """Each page as (width, height, 8-bit gray pixels), rendered by pdftoppm."""
    program = shutil.which("pdftoppm")
    assert program is not None, "pdftoppm missing (Debian package poppler-utils)"
    tmp.mkdir(parents=True, exist_ok=True)
    source = tmp / "in.pdf"
    source.write_bytes(pdf)
    subprocess.run([program, "-r", str(dpi), "-gray", str(source), str(tmp / "page")], check=True)
    pages = []
    for path in sorted(tmp.glob("page*.pgm")):
        data = path.read_bytes()
        header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
        assert header is not None, "pdftoppm did not write a PGM"
        width, height = int(header.group(1)), int(header.group(2))
        pages.append((width, height, data[header.end() :]))
    return pages


def dark_fraction(pixels: bytes) -> float:
    return sum(1 for value in pixels if value < 128) / max(1, len(pixels))


def longest_run(pixels: bytes, width: int, low: int, high: int) -> int:
    """The longest horizontal run of pixels with ``low <= value <= high`` (a bar's fill)."""
    best = 0
    for start in range(0, len(pixels), width):
        run = 0
        for value in pixels[start : start + width]:
            run = run + 1 if low <= value <= high else 0
            best = max(best, run)
    return best

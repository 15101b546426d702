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


def _dark_runs(row: bytes) -> list[tuple[int, int]]:
    runs, start = [], None
    for x, value in enumerate([*row, 255]):
        if value < 128 and start is None:
            start = x
        elif value >= 128 and start is not None:
            runs.append((start, x))
            start = None
    return runs


def read_qr_modules(pixels: bytes, width: int, count: int) -> list[list[bool]]:
    """Sample a QR code's ``count`` x ``count`` modules from a rendered page.

    Finds the top edge of the two upper finder patterns (the first row, in the page's left
    half, with two dark runs of about seven modules), takes the module size from the
    distance between the outer edges, and reads the centre pixel of every module.
    """
    height = len(pixels) // width
    for y in range(height):
        long_runs = [
            run
            for run in _dark_runs(pixels[y * width : y * width + width // 2])
            if run[1] - run[0] >= 30
        ]
        if len(long_runs) >= 2:
            left, right = long_runs[0][0], long_runs[-1][1]
            box = (right - left) / count
            return [
                [
                    pixels[int(y + (r + 0.5) * box) * width + int(left + (c + 0.5) * box)] < 128
                    for c in range(count)
                ]
                for r in range(count)
            ]
    raise AssertionError("no QR finder pattern found")

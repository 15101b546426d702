"""``kiosk bench``: run the benchmarks of a source checkout, one JSON line per figure.

The benchmarks are a development tool, not part of the installed kiosk: this command runs
``python -m bench`` in the checkout the kiosk was installed from (editable install), and
says so plainly when there is none. Product code never imports ``bench``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

from kiosk.errors import BenchmarksMissingError


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "bench",
        help="run benchmarks; one JSON line per figure with its baseline and budget",
        description="Runs the benchmarks in bench/ of the source checkout and prints one JSON "
        "line per figure: name, value, unit, baseline (measured in the same run), ratio, "
        "budget, ok.",
    )
    parser.add_argument("name", nargs="?", default="all", help="module or figure prefix, or all")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="scale data sizes (1.0 = the issue's sizes)"
    )
    parser.set_defaults(func=run)


def source_checkout() -> Path:
    """The repository the kiosk runs from: the folder holding kiosk/, bench/ and tests/."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "bench" / "__main__.py").is_file() or not (root / "tests").is_dir():
        raise BenchmarksMissingError(path=str(root))
    return root


def run(args: argparse.Namespace) -> int:
    root = source_checkout()
    command = [sys.executable, "-m", "bench", args.name, "--scale", str(args.scale)]
    return subprocess.run(command, cwd=root, check=False).returncode

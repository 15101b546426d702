"""``python -m bench [NAME] [--scale S]``: run the benchmarks, one JSON line per figure.

Run from the repository root (the sync figures start the tests' PostgreSQL helper from
``tests/support``); ``make bench`` and ``kiosk bench`` do that.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import bench
from bench.harness import Figure


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", nargs="?", default="all", help="module or figure prefix, or all")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="scale data sizes (1.0 = the issue's sizes)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    failed = False
    for info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        figures = getattr(module, "FIGURES", {})
        short = info.name.removeprefix("bench_")
        for figure_name, producer in figures.items():
            if args.name != "all" and not (
                short.startswith(args.name) or figure_name.startswith(args.name)
            ):
                continue
            produced = producer(args.scale)
            for figure in produced if isinstance(produced, list) else [produced]:
                assert isinstance(figure, Figure)
                print(figure.to_json(), flush=True)
                failed = failed or figure.ok is False
    if failed:
        print("bench: at least one figure is over its budget", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``kiosk bench``: run the benchmarks and print one JSON line per figure."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "bench",
        help="run benchmarks; one JSON line per figure with its baseline and budget",
        description="Runs the benchmarks in bench/ and prints one JSON line per figure: "
        "name, value, unit, baseline (measured in the same run), ratio, budget, ok.",
    )
    parser.add_argument("name", nargs="?", default="all", help="module or figure prefix, or all")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="scale data sizes (1.0 = the issue's sizes)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import bench
    from bench.harness import Figure

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

"""``kiosk demo``: the counter app on embedded defaults with virtual devices and demo data."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "demo",
        help="start the counter app with virtual card readers, scanner and demo data",
        description="Starts the kiosk on SQLite in the platform data directory (or --data "
        "DIR) with in-process virtual card readers and scanner and demo data: an office, a "
        "clerk and an id-administrator, holders and cards in every state. F9 opens the "
        "device panel (insert/remove demo cards, scan demo documents); the demo PIN is "
        "123456.",
    )
    parser.add_argument("--data", type=Path, default=None, help="data directory to use")
    parser.add_argument("--lang", choices=("sv", "en"), default=None, help="language (default: sv)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from kiosk.app import run_app
    from kiosk.config import KioskConfig, ReaderConfig, validate

    config = KioskConfig(language=args.lang or "sv", readers=ReaderConfig(virtual=True))
    if args.data is not None:
        config = config.with_data_dir(args.data.resolve())
    config = validate(replace(config, scanner=replace(config.scanner, port="virtual")))
    return run_app(config, demo=True)

"""``kiosk run --config FILE``: the counter app on a configuration file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "run",
        help="start the counter app with the readers, scanner and store of a config file",
        description="Starts the kiosk with the configuration in FILE (TOML: office, reader "
        "name patterns, scanner port and framing, database, language). The file is "
        "validated first; a bad key is named. Trust anchors for card chains are read from "
        "<data_dir>/trust/*.pem.",
    )
    parser.add_argument("--config", type=Path, required=True, help="the TOML file")
    parser.add_argument(
        "--lang", choices=("sv", "en"), default=None, help="override the configured language"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from kiosk.commands.demo import launch
    from kiosk.config import load_config

    config = load_config(args.config)
    if args.lang:
        config = replace(config, language=args.lang)
    return launch(config, demo=config.readers.virtual)

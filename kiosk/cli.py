"""The ``kiosk`` command line.

Each subcommand lives in its own module under ``kiosk/commands`` with a
``register(subparsers)`` function; modules import their heavy dependencies inside the
handler so that ``kiosk --help`` and a single command start fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

import kiosk.commands

EXIT_USER_ERROR = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Card office kiosk for e-tjänstekort (SITHS cards): the counter "
        "application, its devices, its store and its tools.",
    )
    parser.add_argument(
        "--log-level", default="WARNING", help="logging level (DEBUG, INFO, WARNING, ...)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(kiosk.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"kiosk.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, str(args.log_level).upper(), logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    # pypdf warns about recoverable faults of a PDF it reads; the command reports findings.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from devices.errors import DeviceError
    from kiosk.errors import KioskError
    from store.errors import StoreError

    try:
        result = args.func(args)
    except (KioskError, StoreError, DeviceError) as exc:
        from kiosk.i18n import DEFAULT_LANGUAGE, Catalogue

        lang = getattr(args, "lang", None) or DEFAULT_LANGUAGE
        print(f"kiosk: {Catalogue(lang).error(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130
    return int(result or 0)

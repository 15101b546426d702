"""``kiosk central``: the central sync service's command in the kiosk's command line.

The one kiosk module that imports the ``central`` package (the layer contracts name it
as their exception): the arguments and the handlers live in ``central.cli``; this
module registers them and shows the central's typed errors the way the kiosk shows
its own.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from central import cli


def register(sub: Any) -> None:
    parser = sub.add_parser("central", help=cli.HELP, description=cli.DESCRIPTION)
    cli.add_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from central.errors import CentralError
    from clock import system_clock

    try:
        return cli.run(args, clock=system_clock)
    except CentralError as exc:
        from kiosk.cli import EXIT_USER_ERROR
        from kiosk.i18n import Catalogue

        lang = getattr(args, "lang", None) or "en"
        print(f"kiosk: {Catalogue(lang).error(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR

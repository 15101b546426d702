"""``kiosk mrz check``: parse and check a machine-readable zone read from standard input."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "mrz",
        help="machine-readable zones of identity documents (ICAO 9303)",
        description="Tools for the machine-readable zones of passports and id cards.",
    )
    mrz_sub = parser.add_subparsers(dest="mrz_command", metavar="ACTION")
    check = mrz_sub.add_parser(
        "check",
        help="check a zone read from standard input; print one JSON object",
        description="Reads the 2 or 3 lines of a TD1, TD2 or TD3 zone (or of an MRV-A or "
        "MRV-B visa) from standard input and prints one JSON object: valid, format, "
        "document_code, issuing_state, "
        "document_number, nationality, surname, given_names, birth_date, expiry_date, sex, "
        "personnummer, checks (each check digit by name), expired, errors. "
        "Exit status 0: valid; 1: invalid or expired; 2: not a readable zone.",
    )
    check.add_argument(
        "--today", default=None, help="the date expiry is checked against (YYYY-MM-DD)"
    )
    check.add_argument("--lang", choices=("sv", "en"), default="sv", help="language of errors")
    check.set_defaults(func=run_check)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def run_check(args: argparse.Namespace) -> int:
    from datetime import date

    from clock import local_date, system_clock
    from kiosk.documents import mrz
    from kiosk.documents.errors import MrzUnreadableError
    from kiosk.i18n import Catalogue

    catalogue = Catalogue(args.lang)
    try:
        today = date.fromisoformat(args.today) if args.today else local_date(system_clock())
    except ValueError:
        print(f"kiosk mrz check: --today must be YYYY-MM-DD, not {args.today!r}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        text = sys.stdin.read()
        result = mrz.parse(text, today)
    except (MrzUnreadableError, UnicodeDecodeError) as exc:
        message = (
            catalogue.error(exc)
            if isinstance(exc, MrzUnreadableError)
            else catalogue("error.documents.mrz_unreadable")
        )
        print(json.dumps({"valid": False, "errors": [message]}, ensure_ascii=False))
        return EXIT_UNREADABLE
    print(json.dumps(result.to_json(catalogue), ensure_ascii=False))
    return EXIT_VALID if result.valid else EXIT_INVALID

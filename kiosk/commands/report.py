"""``kiosk report day [--date D]``: the office's day report as a PDF."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "report",
        help="reports for the card office (day report PDF)",
        description="Reports for the card office.",
    )
    report_sub = parser.add_subparsers(dest="report_command", metavar="REPORT")
    day = report_sub.add_parser(
        "day",
        help="the day report: actions, operators, refusals, blocks, deadlines, bar chart",
        description="Writes the office's day report (PDF): counts per action and per "
        "operator, refusals by reason, blocks and their sync state, deadlines falling due "
        "in the next 30 days, and a bar chart of the day's actions.",
    )
    day.add_argument("--date", default=None, help="the day, YYYY-MM-DD (default: today)")
    day.add_argument("--out", type=Path, default=None, help="PDF file (default: data dir/reports/)")
    day.add_argument("--config", type=Path, default=None, help="kiosk TOML configuration")
    day.add_argument("--data", type=Path, default=None, help="data directory (default: config)")
    day.add_argument("--db", default=None, help="database URL (default: from the data dir)")
    day.add_argument("--key", type=Path, default=None, help="key file (default: data dir)")
    day.add_argument("--lang", choices=("sv", "en"), default=None, help="language")
    day.set_defaults(func=run_day)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def parse_day(value: str | None) -> dt.date:
    from clock import local_date, system_clock
    from kiosk.receipts.errors import ReportDateInvalidError

    if value is None:
        return local_date(system_clock())
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ReportDateInvalidError(value=value) from None


def run_day(args: argparse.Namespace) -> int:
    from kiosk.commands.receipt import open_from_args
    from kiosk.i18n import DEFAULT_LANGUAGE, Catalogue
    from kiosk.reports.service import DayReportService

    day = parse_day(args.date)
    config, store = open_from_args(args)
    reports = DayReportService(
        store, office_id=config.office_id, folder=config.data_dir / "reports", lang=args.lang
    )
    try:
        path = reports.write(day, out=args.out)
    finally:
        store.close()
    print(Catalogue(args.lang or DEFAULT_LANGUAGE)("report.written", path=path))
    return 0

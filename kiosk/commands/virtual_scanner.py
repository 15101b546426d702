"""``kiosk virtual-scanner``: a pseudo-terminal that behaves like a serial MRZ scanner."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from typing import Any

FRAMINGS = ("cr", "crlf", "stx-etx", "stx-etx-bcc", "soh-length")


class _DemoDocumentNames:
    """The names ``kiosk.demo_documents`` offers (``DEMO_DOCUMENT_NAMES``), as argparse
    choices read only when a command line is checked or help is shown: ``kiosk --help``
    and the other commands do not pay for importing the MRZ code."""

    def __iter__(self) -> Iterator[str]:
        from kiosk.demo_documents import DEMO_DOCUMENT_NAMES

        return iter(DEMO_DOCUMENT_NAMES)

    def __contains__(self, name: object) -> bool:
        return name in tuple(self)


DOCUMENT_NAMES = _DemoDocumentNames()


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "virtual-scanner",
        help="open a pty that acts as a serial MRZ scanner; Enter writes one scan",
        description="Opens a pseudo-terminal, prints the path to configure as the kiosk's "
        "scanner port (scanner.port), and writes one framed zone of the chosen document each "
        "time Enter is pressed. Type a document name and Enter to scan another document; "
        "end with Ctrl-D.",
    )
    parser.add_argument("--framing", choices=FRAMINGS, default="crlf", help="scanner framing")
    parser.add_argument(
        "--document",
        choices=DOCUMENT_NAMES,
        metavar="DOCUMENT",  # a metavar, so that argparse lists the names only in the help
        default="specimen-td3",
        help="document to scan: %(choices)s",
    )
    parser.add_argument(
        "--link", default=None, help="also make this path a symlink to the pty (stable path)"
    )
    parser.add_argument(
        "--documents-date",
        type=dt.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day the documents are dated from (default: today at the office)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from clock import local_date, system_clock
    from devices.virtual.scanner import VirtualScanner
    from kiosk.demo_documents import demo_documents

    documents = demo_documents(args.documents_date or local_date(system_clock()))
    scanner = VirtualScanner.open(args.framing, link=args.link, documents=documents)
    try:
        print(scanner.path, flush=True)
        print(
            f"framing {args.framing}; Enter scans {args.document}; "
            f"a name then Enter scans that document ({', '.join(documents)}); Ctrl-D ends.",
            file=sys.stderr,
            flush=True,
        )
        for line in sys.stdin:
            name = line.strip() or args.document
            if name not in documents:
                print(f"unknown document {name!r}", file=sys.stderr, flush=True)
                continue
            scanner.scan(name)
            print(f"scanned {name}", file=sys.stderr, flush=True)
    finally:
        scanner.close()
    return 0

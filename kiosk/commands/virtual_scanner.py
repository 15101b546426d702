"""``kiosk virtual-scanner``: a pseudo-terminal that behaves like a serial MRZ scanner."""

from __future__ import annotations

import argparse
import sys
from typing import Any

FRAMINGS = ("cr", "crlf", "stx-etx", "stx-etx-bcc", "soh-length")
DOCUMENT_NAMES = (
    "specimen-td3",
    "specimen-td1",
    "specimen-td2",
    "swedish-passport",
    "swedish-id-card",
    "foreign-passport",
    "expired-swedish-passport",
    "misread-swedish-passport",
    "cecilia-passport",
)


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
        "--document", choices=DOCUMENT_NAMES, default="specimen-td3", help="document to scan"
    )
    parser.add_argument(
        "--link", default=None, help="also make this path a symlink to the pty (stable path)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from clock import local_date, system_clock
    from devices.virtual.scanner import VirtualScanner
    from kiosk.demo_documents import demo_documents

    documents = demo_documents(local_date(system_clock()))
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

"""``kiosk audit verify``: check the whole journal chain and name the first broken link."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from clock import system_clock

EXIT_OK = 0
EXIT_BROKEN = 1


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "audit",
        help="audit the local journal (hash chain and signatures)",
        description="Audit tools for the kiosk's signed, hash-chained journal.",
    )
    audit_sub = parser.add_subparsers(dest="audit_command", metavar="ACTION")
    verify = audit_sub.add_parser(
        "verify",
        help="check every journal event; exit 0 when intact, 1 when broken",
        description="Recomputes every event's hash, checks the sequence and the links "
        "between events and every signature, and names the first broken or missing link. "
        "Exit status 0: intact; 1: broken (or the store cannot be opened).",
    )
    verify.add_argument("--config", type=Path, default=None, help="kiosk TOML configuration")
    verify.add_argument("--data", type=Path, default=None, help="data directory (default: config)")
    verify.add_argument("--db", default=None, help="database URL (default: from the data dir)")
    verify.add_argument("--key", type=Path, default=None, help="key file (default: data dir)")
    verify.add_argument(
        "--workers", type=int, default=None, help="processes for signatures (default: cores)"
    )
    verify.add_argument("--lang", choices=("sv", "en"), default=None, help="output language")
    verify.set_defaults(func=run_verify)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def run_verify(args: argparse.Namespace) -> int:
    from kiosk.config import load_config
    from kiosk.i18n import Catalogue
    from store.database import open_store, sqlite_path
    from store.errors import DatabaseMissingError
    from store.journal import Journal, audited_kiosk_ids
    from store.keys import load_keys

    config = load_config(args.config)
    if args.data is not None:
        config = config.with_data_dir(args.data)
    args.lang = args.lang or config.language
    text = Catalogue(args.lang)
    url = args.db or config.resolved_database_url
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseMissingError(path=str(path))
    keys = load_keys(args.key or config.resolved_key_file)
    store = open_store(url, keys)
    broken = False
    try:
        with store.read_only() as session:
            kiosk_ids = audited_kiosk_ids(session)
            if not kiosk_ids:
                print(text("audit.empty"))
                return EXIT_OK
            for kiosk_id in kiosk_ids:
                report = Journal(kiosk_id, keys, store.cipher, clock=system_clock).verify_chain(
                    session, workers=args.workers
                )
                if report.problem is None:
                    print(
                        text(
                            "audit.ok",
                            kiosk_id=kiosk_id,
                            count=report.events_checked,
                            head=report.head_seq,
                            rate=round(report.rate),
                        )
                    )
                    continue
                broken = True
                print(
                    text(
                        "audit.broken",
                        kiosk_id=kiosk_id,
                        seq=report.problem.seq,
                        kind=report.problem.kind,
                        what=text(f"audit.kind.{report.problem.kind}"),
                        count=report.events_checked,
                    )
                )
                print(f"  {report.problem.detail}")
    finally:
        store.close()
    return EXIT_BROKEN if broken else EXIT_OK

"""``kiosk sync``: one sync round with the central service, and what it did."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from clock import system_clock

EXIT_OK = 0
EXIT_OFFLINE = 3


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "sync",
        help="run one sync round with the central service and print what it did",
        description="Pushes every journal event the central has not answered yet (block "
        "requests first, then in order), records the central's answer for each (accepted, "
        "or rejected with the reason), then pulls the changes made elsewhere. Exit status "
        "0: done; 3: the central could not be reached (nothing is lost, run it again).",
    )
    parser.add_argument("--config", type=Path, default=None, help="kiosk TOML configuration")
    parser.add_argument("--data", type=Path, default=None, help="data directory")
    parser.add_argument("--db", default=None, help="kiosk database URL (default: data dir)")
    parser.add_argument("--key", type=Path, default=None, help="key file (default: data dir)")
    parser.add_argument("--central", default=None, help="central URL (default: config)")
    parser.add_argument("--kiosk-id", default=None, help="kiosk id (default: config)")
    parser.add_argument(
        "--insecure-no-client-auth",
        action="store_true",
        help="allow a central URL without client authentication (http://, or no client "
        "certificate in the config): for tests and demos only",
    )
    parser.add_argument("--batch", type=int, default=500, help="events per push request")
    parser.add_argument("--lang", choices=("sv", "en"), default=None, help="output language")
    parser.add_argument(
        "--office-puk-key",
        type=Path,
        default=None,
        help="file with the office PUK key (64 hex digits): opens pulled PUK cache entries",
    )
    parser.add_argument(
        "--show-public-key",
        action="store_true",
        help="print the kiosk's journal public key (hex, for kiosk central --register-kiosk)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.config import check_central_client_auth, load_config
    from kiosk.errors import ConfigError
    from kiosk.i18n import Catalogue
    from store.database import open_store
    from store.journal import Journal
    from store.keys import load_keys
    from store.sync import CentralTransport, SyncClient

    config = load_config(args.config)
    if args.data is not None:
        config = config.with_data_dir(args.data)
    args.lang = args.lang or config.language
    text = Catalogue(args.lang)
    if args.show_public_key:
        print(load_keys(args.key or config.resolved_key_file).public_key_bytes().hex())
        return EXIT_OK
    url = args.central or config.central.url
    if not url:
        raise ConfigError(path="central.url", key_name="central.url", problem="not set")
    check_central_client_auth(
        url,
        config.central,
        "--central" if args.central else str(args.config),
        insecure=args.insecure_no_client_auth,
    )
    keys = load_keys(args.key or config.resolved_key_file)
    puk_key = None
    if args.office_puk_key is not None:
        try:
            puk_key = bytes.fromhex(args.office_puk_key.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            puk_key = b""
        if len(puk_key) != 32:
            raise ConfigError(
                path=str(args.office_puk_key),
                key_name="office_puk_key",
                problem="expected a readable file with 64 hex digits",
            )
    store = open_store(args.db or config.resolved_database_url, keys)
    transport = CentralTransport(
        url,
        client_cert=config.central.client_cert or None,
        client_key=config.central.client_key or None,
        ca_file=config.central.ca_file or None,
        timeout=config.central.timeout_seconds,
    )
    try:
        client = SyncClient(
            store=store,
            journal=Journal(
                args.kiosk_id or config.kiosk_id, keys, store.cipher, clock=system_clock
            ),
            transport=transport,
            batch_size=args.batch,
            puk_key=puk_key,
            central_key=config.central.checkpoint_key or None,
        )
        report = client.run_round()
        status = client.status()
    finally:
        transport.close()
        store.close()
    if not report.online:
        print(text("sync.round.offline"))
    else:
        print(
            text(
                "sync.round.pushed",
                pushed=report.pushed,
                accepted=report.accepted,
                rejected=report.rejected,
            )
        )
        print(text("sync.round.pulled", pulled=report.pulled))
        for rejection in report.rejections:
            print(f"  seq {rejection.seq} {rejection.event_type}: {rejection.reason}")
        if report.diverged:
            print(text("error.journal.diverged"))
    print(text("sync.status.waiting", events=status.waiting_events))
    return EXIT_OK if report.online else EXIT_OFFLINE

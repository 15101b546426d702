"""``kiosk audit verify`` and ``kiosk audit export``: check the journal chain with public
keys (the kiosk's database, or an exported bundle on any machine) and name the first
broken link; write the bundle."""

from __future__ import annotations

import argparse
import json
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
        description="Recomputes every event's hash, checks the sequence, the links between "
        "events and the signatures with the kiosk's public key (and, on the kiosk, the "
        "payloads), and names the first broken or missing link. With --bundle it checks an "
        "exported bundle with public keys alone, on any machine. "
        "Exit status 0: intact; 1: broken (or the store or bundle cannot be read).",
    )
    verify.add_argument("--config", type=Path, default=None, help="kiosk TOML configuration")
    verify.add_argument("--data", type=Path, default=None, help="data directory (default: config)")
    verify.add_argument("--db", default=None, help="database URL (default: from the data dir)")
    verify.add_argument("--key", type=Path, default=None, help="key file (default: data dir)")
    verify.add_argument(
        "--bundle", type=Path, default=None, help="verify an exported bundle (no database)"
    )
    verify.add_argument(
        "--kiosk-key",
        type=_public_key,
        default=None,
        help="the kiosk's public key to trust (hex), for --bundle",
    )
    verify.add_argument(
        "--central-key", type=_public_key, default=None, help="the central's public key (hex)"
    )
    verify.add_argument(
        "--checkpoints",
        type=Path,
        default=None,
        help="the central's checkpoints to hold the journal to: JSON file "
        '{"central_public_key": hex, "checkpoints": [...]} '
        "(default: the checkpoint this kiosk kept from the central)",
    )
    verify.add_argument(
        "--workers", type=int, default=None, help="processes for the check (default: cores)"
    )
    verify.add_argument("--lang", choices=("sv", "en"), default=None, help="output language")
    verify.set_defaults(func=run_verify)
    export = audit_sub.add_parser(
        "export",
        help="write the journal as one bundle file that verifies anywhere",
        description="Writes the journal's events (payloads encrypted, as stored), the kiosk's "
        "public key and the central's checkpoints with its public key to FILE, which "
        "`kiosk audit verify --bundle FILE` checks on any machine.",
    )
    export.add_argument("file", type=Path, help="the bundle file to write")
    export.add_argument("--config", type=Path, default=None, help="kiosk TOML configuration")
    export.add_argument("--data", type=Path, default=None, help="data directory (default: config)")
    export.add_argument("--db", default=None, help="database URL (default: from the data dir)")
    export.add_argument("--key", type=Path, default=None, help="key file (default: data dir)")
    export.add_argument(
        "--checkpoints",
        type=Path,
        default=None,
        help='JSON file {"central_public_key": hex, "checkpoints": [...]} to include '
        "(the checkpoint kept from the central and its pinned key are always included)",
    )
    export.add_argument("--lang", choices=("sv", "en"), default=None, help="output language")
    export.set_defaults(func=run_export)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def _public_key(value: str) -> bytes:
    """An Ed25519 public key given in hex (argparse type)."""
    try:
        key = bytes.fromhex(value)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise argparse.ArgumentTypeError("not an Ed25519 public key (64 hex digits)")
    return key


def run_verify_bundle(args: argparse.Namespace) -> int:
    from kiosk.i18n import DEFAULT_LANGUAGE, Catalogue
    from protocol.journal_bundle import BundleFormatError, verify_bundle

    text = Catalogue(args.lang or DEFAULT_LANGUAGE)
    try:
        report = verify_bundle(
            args.bundle,
            kiosk_key=args.kiosk_key,
            central_key=args.central_key,
            workers=args.workers,
        )
    except (BundleFormatError, OSError):
        print(text("audit.bundle.unreadable", path=str(args.bundle)))
        return EXIT_BROKEN
    if report.problem is None:
        print(
            text(
                "audit.bundle.ok",
                kiosk_id=report.kiosk_id,
                count=report.events_checked,
                head=report.head_seq,
                checkpoints=report.checkpoints_checked,
                rate=round(report.rate),
            )
        )
        if report.content_unchecked:
            print(text("audit.bundle.content_unchecked", count=report.content_unchecked))
        return EXIT_OK
    print(
        text(
            "audit.broken",
            kiosk_id=report.kiosk_id,
            seq=report.problem.seq,
            kind=report.problem.kind,
            what=text(f"audit.kind.{report.problem.kind}"),
            count=report.events_checked,
        )
    )
    return EXIT_BROKEN


def _open(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    from kiosk.config import load_config
    from store.database import open_store, sqlite_path
    from store.errors import DatabaseMissingError
    from store.keys import load_keys

    config = load_config(args.config)
    if args.data is not None:
        config = config.with_data_dir(args.data)
    args.lang = args.lang or config.language
    url = args.db or config.resolved_database_url
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseMissingError(path=str(path))
    keys = load_keys(args.key or config.resolved_key_file)
    return config, keys, open_store(url, keys)


def run_verify(args: argparse.Namespace) -> int:
    if args.bundle is not None:
        return run_verify_bundle(args)
    from kiosk.i18n import Catalogue
    from protocol.journal_bundle import checkpoint_problems
    from store.checkpoints import kept_checkpoints
    from store.journal import Journal, audited_kiosk_ids

    _config, keys, store = _open(args)
    text = Catalogue(args.lang)
    try:
        central_key, checkpoints = _checkpoints(args.checkpoints)
    except (OSError, ValueError, KeyError, TypeError):
        store.close()
        print(text("audit.export.bad_checkpoints", path=str(args.checkpoints)))
        return EXIT_BROKEN
    broken = False
    try:
        with store.read_only() as session:
            if args.checkpoints is None:  # the checkpoints this kiosk kept from the central
                central_key, checkpoints = kept_checkpoints(session)
            # a kiosk the central holds checkpoints of has a journal here, even a wiped one
            kiosk_ids = sorted({*audited_kiosk_ids(session), *(c.kiosk_id for c in checkpoints)})
            if not kiosk_ids:
                print(text("audit.empty"))
                return EXIT_OK
            for kiosk_id in kiosk_ids:
                own = [c for c in checkpoints if c.kiosk_id == kiosk_id]
                journal = Journal(kiosk_id, keys, store.cipher, clock=system_clock)
                report = journal.verify_chain(
                    session, workers=args.workers, anchors=[(c.head_seq, c.head_hash) for c in own]
                )
                refused = checkpoint_problems(
                    kiosk_id,
                    own,
                    central_key,
                    args.central_key,
                    events_key=journal.public_key_bytes(),
                )
                found = [(p.seq, p.kind, p.detail) for p in refused]
                if report.problem is not None:
                    found.append((report.problem.seq, report.problem.kind, report.problem.detail))
                problem = min(found, default=None)
                if problem is None:
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
                        seq=problem[0],
                        kind=problem[1],
                        what=text(f"audit.kind.{problem[1]}"),
                        count=min(report.events_checked, max(0, problem[0] - 1)),
                    )
                )
                print(f"  {problem[2]}")
    finally:
        store.close()
    return EXIT_BROKEN if broken else EXIT_OK


def _checkpoints(path: Path | None) -> tuple[bytes | None, list[Any]]:
    from protocol.checkpoint_verify import CheckpointFields

    if path is None:
        return None, []
    data = json.loads(path.read_text(encoding="utf-8"))
    central = bytes.fromhex(str(data["central_public_key"]))
    return central, [CheckpointFields.from_dict(c) for c in data.get("checkpoints", [])]


def _with_kept(
    session: Any, central_key: bytes | None, checkpoints: list[Any]
) -> tuple[bytes | None, list[Any]]:
    """The checkpoints given with the ones this kiosk kept from the central (and the
    pinned central key), when they are of the same key: a bundle carries one."""
    from store.checkpoints import kept_checkpoints

    pinned, kept = kept_checkpoints(session)
    if central_key is not None and pinned != central_key:
        return central_key, checkpoints
    return pinned, [*checkpoints, *(c for c in kept if c not in checkpoints)]


def run_export(args: argparse.Namespace) -> int:
    from kiosk.i18n import Catalogue
    from store.journal import journal_kiosk_ids
    from store.journal_export import export_bundle

    config, keys, store = _open(args)
    text = Catalogue(args.lang)
    try:
        central_key, checkpoints = _checkpoints(args.checkpoints)
    except (OSError, ValueError, KeyError, TypeError):
        print(text("audit.export.bad_checkpoints", path=str(args.checkpoints)))
        store.close()
        return EXIT_BROKEN
    try:
        with store.read_only() as session:
            central_key, checkpoints = _with_kept(session, central_key, checkpoints)
            written = journal_kiosk_ids(session)
            # the store's one journal, whatever the configuration names
            kiosk_id = written[0] if len(written) == 1 else config.kiosk_id
            count = export_bundle(
                session,
                args.file,
                kiosk_id=kiosk_id,
                kiosk_public_key=keys.public_key_bytes(),
                central_public_key=central_key,
                checkpoints=checkpoints,
            )
    finally:
        store.close()
    print(
        text(
            "audit.exported",
            kiosk_id=kiosk_id,
            path=str(args.file),
            count=count,
            checkpoints=len(checkpoints),
        )
    )
    return EXIT_OK

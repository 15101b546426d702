"""``kiosk receipt verify FILE.pdf`` and ``kiosk receipt reprint EVENT_ID``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from clock import system_clock

EXIT_OK = 0
EXIT_FAILED = 1


def _store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=None, help="kiosk TOML configuration")
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: config)")
    parser.add_argument("--db", default=None, help="database URL (default: from the data dir)")
    parser.add_argument("--key", type=Path, default=None, help="key file (default: data dir)")
    parser.add_argument("--lang", choices=("sv", "en"), default=None, help="language")


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "receipt",
        help="verify a receipt PDF or print a receipt again from the journal",
        description="Receipts of the card workflows: check a receipt against the journal "
        "and the holder's certificate, or make it again from the journal.",
    )
    receipt_sub = parser.add_subparsers(dest="receipt_command", metavar="ACTION")
    verify = receipt_sub.add_parser(
        "verify",
        help="check a receipt PDF; exit 0 when genuine, 1 otherwise",
        description="Checks the receipt's PDF signatures (PAdES) offline, on any machine: "
        "the operator's certification and the holder's signature, their certificates "
        "against the trust anchors (--trust, else the configured trust_dir) and the "
        "revocation lists in the PDF, and any change made after signing. On the kiosk it "
        "also checks that the event is in the journal with the same facts. One line says "
        "what the receipt is. Exit 0: genuine; 1: not.",
    )
    verify.add_argument("file", type=Path, help="the receipt PDF")
    verify.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        help="PEM file of trusted intermediate and root certificates (repeatable; "
        "default: the PEM files in the configured trust_dir)",
    )
    _store_arguments(verify)
    verify.set_defaults(func=run_verify)
    reprint = receipt_sub.add_parser(
        "reprint",
        help="render a receipt again from the journal and print it (or save it)",
        description="Renders the receipt of EVENT_ID from the journal, with the holder's "
        "signature when the journal recorded one, and sends it to the configured printer "
        "(lp), or to the receipts folder; --out writes it to a file instead.",
    )
    reprint.add_argument("event_id", help="journal event id (printed on the receipt)")
    reprint.add_argument("--out", type=Path, default=None, help="write the PDF here")
    _store_arguments(reprint)
    reprint.set_defaults(func=run_reprint)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def open_from_args(args: argparse.Namespace) -> tuple[Any, Any]:
    """(config, store) from the common arguments; refuses a missing database file."""
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
    return config, open_store(url, keys)


def _database_present(args: argparse.Namespace, config: Any) -> bool:
    from store.database import sqlite_path

    url = args.db or config.resolved_database_url
    path = sqlite_path(url)
    return path is None or path.exists()


_JOURNAL_FINDINGS = ("receipt.verify.event_", "receipt.verify.facts_")


def run_verify(args: argparse.Namespace) -> int:
    """The PDF signatures first (offline, any machine: pyHanko with the trust anchors);
    on the kiosk also the journal (the event and its facts). A receipt of the older kind
    (the holder's signature in the metadata) is checked against the journal as before."""
    import logging

    from devices.card.certs import TrustAnchors
    from kiosk.config import load_config
    from kiosk.i18n import Catalogue
    from kiosk.receipts.errors import ReceiptUnreadableError
    from kiosk.receipts.pades_verify import PadesVerdict, verify_pades

    try:
        pdf = args.file.read_bytes()
    except OSError:
        raise ReceiptUnreadableError(path=str(args.file)) from None
    # their tracebacks are not results (pyhanko's own is silenced in kiosk.receipts.pades)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    config = load_config(args.config)
    if args.data is not None:
        config = config.with_data_dir(args.data)
    lang = args.lang or config.language
    text = Catalogue(lang)
    trust = list(args.trust) or sorted(config.resolved_trust_dir.glob("*.pem"))
    anchors = TrustAnchors.from_pem_files(trust) if trust else None
    on_kiosk = _database_present(args, config)
    store = open_from_args(args)[1] if on_kiosk else None
    try:
        crls: tuple[bytes, ...] = ()
        if store is not None:
            from store.crl_cache import cached_revocation_lists

            with store.read_only() as session:
                crls = tuple(cached_revocation_lists(session).values())
        verdict = verify_pades(pdf, anchors=anchors, crls=crls)
        if verdict.key == "receipt.pades.no_signature":
            if store is not None:  # an unsigned or older receipt: the journal decides
                return _print_journal_report(pdf, store, config, anchors, text, only=None)
            if not _has_receipt_data(pdf):
                verdict = PadesVerdict("receipt.verify.not_receipt")
        params = dict(verdict.params)
        who = params.pop("field", None)
        if who is not None:
            key = f"receipt.pades.who.{who}"
            params["who"] = text(key) if text.has(key) else text("receipt.pades.who.other")
        print(text(verdict.key, **params))
        if verdict.ok and verdict.holder_with_authentication_key:
            print(text("receipt.pades.auth_key_note"))
        journal_ok = True
        if store is not None and verdict.facts is not None:
            journal_ok = (
                _print_journal_report(pdf, store, config, anchors, text, only=_JOURNAL_FINDINGS)
                == EXIT_OK
            )
            if verdict.holder_signature is not None:
                journal_ok = _print_journal_signature(store, verdict, text) and journal_ok
    finally:
        if store is not None:
            store.close()
    return EXIT_OK if verdict.ok and journal_ok else EXIT_FAILED


def _print_journal_signature(store: Any, verdict: Any, text: Any) -> bool:
    """On the kiosk: the holder's PDF signature is the one the journal recorded."""
    import base64

    from store.journal_reads import recorded_signatures

    with store.unit_of_work() as session:
        payloads = recorded_signatures(session, store.cipher, verdict.facts.event_id)
    value = base64.b64encode(verdict.holder_signature).decode("ascii")
    recorded = [p.get("signature") for p in payloads]
    if not recorded:
        status, key = "info", "receipt.verify.journal_signature_none"
    elif value in recorded:
        status, key = "ok", "receipt.verify.journal_signature_ok"
    else:
        status, key = "fail", "receipt.verify.journal_signature_differs"
    print(f"{text(f'receipt.verify.{status}'):5} {text(key)}")
    return status != "fail"


def _has_receipt_data(pdf: bytes) -> bool:
    from kiosk.receipts.verify import read_pdf

    try:
        embedded, _text = read_pdf(pdf)
    except ValueError:
        return False
    return embedded is not None


def _print_journal_report(
    pdf: bytes,
    store: Any,
    config: Any,
    anchors: Any,
    text: Any,
    *,
    only: tuple[str, ...] | None,
) -> int:
    """The journal's findings (all of them, or those whose key starts with ``only``)."""
    from kiosk.receipts.verify import verify_receipt

    report = verify_receipt(pdf, store=store, office_id=config.office_id, anchors=anchors)
    findings = [f for f in report.findings if only is None or f.key.startswith(only)]
    for finding in findings:
        label = text(f"receipt.verify.{finding.status}")
        print(f"{label:5} {text(finding.key, **finding.params)}")
    ok = all(f.status != "fail" for f in findings) and bool(findings)
    if only is None:
        print(text("receipt.verify.result_ok") if ok else text("receipt.verify.result_fail"))
    return EXIT_OK if ok else EXIT_FAILED


def run_reprint(args: argparse.Namespace) -> int:
    from kiosk.i18n import Catalogue
    from kiosk.receipts.printing import save_pdf
    from kiosk.receipts.service import ReceiptIssuer
    from store.journal import Journal

    config, store = open_from_args(args)
    text = Catalogue(args.lang)
    try:
        service = ReceiptIssuer(
            store,
            Journal(config.kiosk_id, store.keys, store.cipher, clock=system_clock),
            office_id=config.office_id,
            config=config.receipts,
            folder=config.resolved_receipts_folder,
            lang=args.lang,
            office=config.office,
        )
        if args.out is not None:
            facts = service.facts(args.event_id)
            pdf = service.render(facts, signature=service.recorded_signature(facts))
            path = save_pdf(args.out.parent, args.out.name, pdf)
            print(text("receipt.saved", path=path))
            return EXIT_OK
        outcome = service.reprint(args.event_id)
    finally:
        store.close()
    print(outcome.describe(text))
    return EXIT_OK if outcome.delivery is not None and outcome.delivery.delivered else EXIT_FAILED

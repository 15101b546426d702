"""Receipt and report figures.

* ``receipts.render_ms``: median time to render one signed activation receipt (text, QR
  code, embedded facts, signature and certificate). Baseline: a bare reportlab canvas
  page with the same text lines, same run. Budget 150 ms.
* ``receipts.sign_hand_out_ms``: median time to put both PAdES signatures on a rendered
  hand-out receipt (the operator's certification, then the holder's signature, each by an
  in-process virtual card over the PIV protocol, chain and DSS embedded). Baseline: the
  same two signatures made by pyHanko with the private keys in software, same run (the
  card's share is the difference). Budget 500 ms.
* ``reports.day_10k_s``: the day report (read, decrypt and count one day's journal
  events, list blocks and deadlines, render the PDF with its chart) over 10,000 events.
  Baseline: reading the same 10,000 journal rows raw (sqlite3, no decryption). Budget 2 s.

``scale`` multiplies the sizes (10,000 events; 60 renders); data lives in a temporary
directory.
"""

from __future__ import annotations

import atexit
import datetime as dt
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Figure, median, time_many

EVENTS = 10_000
RENDERS = 60
_tmp = tempfile.TemporaryDirectory(prefix="bench-receipts-")
atexit.register(_tmp.cleanup)


def _signed_facts() -> tuple[Any, Any]:
    from clock import system_clock
    from devices.virtual.card import InProcessConnection
    from devices.virtual.factory import CardFactory
    from devices.virtual.pki import TestPki
    from kiosk.receipts.facts import ReceiptFacts, receipt_digest
    from kiosk.receipts.signature import sign_receipt
    from kiosk.services.device_adapters import PivCardSession

    facts = ReceiptFacts(
        event_id="6f1c2d3e-4a5b-4c6d-8e7f-901234567890",
        event_type="card.activated",
        kiosk_id="kiosk-solna-1",
        office_id="KK-SOLNA",
        occurred_at="2026-11-28T09:30:00.000000Z",
        operator="SE2321000016-OP01",
        holder_name="Tolvan Tolvansson",
        personnummer_masked="121212-XXXX",
        card_serial="9752269012345678",
        product_number="712",
        office_name="Kortkontoret Solna",
        operator_name="Åsa Handläggare",
    )
    pki = TestPki.create(now=system_clock())
    card = CardFactory(pki, master_secret=b"bench").personalise()
    signature = sign_receipt(
        PivCardSession(InProcessConnection(card.card)), receipt_digest(facts), card.pin
    )
    return facts, signature


def render_ms(scale: float) -> Figure:
    from kiosk.i18n import Catalogue
    from kiosk.receipts.facts import receipt_digest
    from kiosk.receipts.render import receipt_lines, render_plain_page, render_receipt

    facts, signature = _signed_facts()
    repeat = max(10, int(RENDERS * scale))
    text = Catalogue("sv")
    lines = [f"{label}: {value}" for label, value in receipt_lines(facts, text)]
    lines += [receipt_digest(facts), signature.fingerprint, text("receipt.footer")]
    render_receipt(facts, signature=signature)  # warm-up (fonts, imports)
    render_plain_page(lines)
    ours = median(time_many(lambda: render_receipt(facts, signature=signature), repeat))
    raw = median(time_many(lambda: render_plain_page(lines), repeat))
    return Figure(
        name="receipts.render_ms",
        value=ours * 1000,
        unit="ms",
        baseline=raw * 1000,
        budget=150.0,
        note=f"median of {repeat}; signed activation receipt with QR code vs a bare page",
    )


SIGNINGS = 10


def sign_hand_out_ms(scale: float) -> Figure:
    from clock import system_clock
    from devices.card.certs import TrustAnchors
    from devices.virtual.card import InProcessConnection
    from devices.virtual.factory import CardFactory
    from devices.virtual.pki import TestPki
    from kiosk.receipts.pades import (
        HOLDER_FIELD,
        OPERATOR_FIELD,
        SigningContext,
        sign_with_card,
    )
    from kiosk.receipts.render import HandOutSigning, render_receipt
    from kiosk.services.device_adapters import PivCardSession

    facts, _signature = _signed_facts()
    at = system_clock()
    pki = TestPki.create(now=at)
    cards = CardFactory(pki, master_secret=b"bench")
    operator = cards.personalise(holder_id="SE2321000016-OP01", name="Åsa Handläggare")
    holder = cards.personalise(name="Tolvan Tolvansson", serial=facts.card_serial)
    context = SigningContext(at=at, anchors=TrustAnchors.from_certificates(pki.trust_anchors))
    pdf = render_receipt(facts, hand_out=HandOutSigning("Villkor (bench).", False))

    def on_cards() -> None:
        certified = sign_with_card(
            pdf,
            PivCardSession(InProcessConnection(operator.card)),
            operator.pin,
            context,
            field_name=OPERATOR_FIELD,
            certify=True,
        )
        sign_with_card(
            certified,
            PivCardSession(InProcessConnection(holder.card)),
            holder.pin,
            context,
            field_name=HOLDER_FIELD,
            certify=False,
        )

    def in_software() -> None:
        certified = _software_sign(pdf, operator, context, OPERATOR_FIELD, certify=True)
        _software_sign(certified, holder, context, HOLDER_FIELD, certify=False)

    repeat = max(3, int(SIGNINGS * scale))
    on_cards()  # warm-up (imports)
    in_software()
    ours = median(time_many(on_cards, repeat))
    raw = median(time_many(in_software, repeat))
    return Figure(
        name="receipts.sign_hand_out_ms",
        value=ours * 1000,
        unit="ms",
        baseline=raw * 1000,
        budget=500.0,
        note=f"median of {repeat}; two PAdES signatures by virtual cards vs software keys",
    )


def _software_sign(pdf: bytes, card: Any, context: Any, name: str, *, certify: bool) -> bytes:
    """The baseline: pyHanko's own signer with the card's private key in memory."""
    import io

    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder_data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    credential = card.holder.signing or card.holder.authentication
    key = credential.key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    certificate = Path(_tmp.name) / f"{name}.der"
    certificate.write_bytes(credential.cert.public_bytes(Encoding.DER))
    signer = signers.SimpleSigner(
        signing_cert=load_cert_from_pemder(str(certificate)),
        signing_key=load_private_key_from_pemder_data(key, passphrase=None),
        cert_registry=None,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        embed_validation_info=True,
        validation_context=context.validation_context(),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    return bytes(signers.PdfSigner(meta, signer).sign_pdf(writer).getvalue())


def _journal_store(n: int) -> tuple[Any, Path]:
    from clock import FixedClock
    from store.database import open_store
    from store.journal import Journal
    from store.keys import load_or_create_keys
    from store.models import Card, Deadline, Holder, Office

    folder = Path(_tmp.name) / f"day-{n}"
    keys = load_or_create_keys(folder / "kiosk.key")
    path = folder / "kiosk.sqlite3"
    store = open_store(f"sqlite:///{path}", keys)
    day_start = dt.datetime(2026, 11, 28, 7, 0, tzinfo=dt.UTC)
    journal = Journal("kiosk-solna-1", keys, store.cipher, clock=FixedClock(day_start))
    kinds = (
        "card.activated",
        "card.returned",
        "card.unlocked",
        "card.blocked",
        "order.code_letter",
        "card.reordered",
        "refusal",
        "receipt.signed",
    )
    reasons = ("error.activation.wrong_office", "error.document.digital", "error.block.duty")
    with store.unit_of_work() as session:
        session.add(Office(id="KK-SOLNA", name="Kortkontoret Solna"))
        session.add(
            Holder(
                id="h",
                personnummer_enc=b"x",
                personnummer_idx=b"x",
                name_enc=b"x",
                name_idx=b"x",
            )
        )
        session.flush()
        for i in range(200):
            session.add(
                Card(
                    serial=f"SE{i:010d}",
                    holder_id="h",
                    state="active",
                    shipment_method="a_post",
                    order_date=dt.date(2026, 1, 1),
                    updated_at=day_start,
                )
            )
        session.flush()
        for i in range(200):
            session.add(
                Deadline(
                    id=f"d{i}",
                    card_serial=f"SE{i:010d}",
                    kind=("return", "name_change")[i % 2],
                    due_date=dt.date(2026, 11, 28) + dt.timedelta(days=i % 60),
                )
            )
    step = dt.timedelta(seconds=36_000 / n)  # spread over ten hours of the day
    batch = 1000
    for start in range(0, n, batch):
        with store.unit_of_work() as session:
            for i in range(start, min(n, start + batch)):
                kind = kinds[i % len(kinds)]
                payload: dict[str, Any] = {"serial": f"SE{i % 200:010d}"}
                if kind == "refusal":
                    payload = {"reason": reasons[i % len(reasons)], "action": "activate"}
                elif kind == "card.blocked":
                    payload["reason"] = "lost"
                journal.append(
                    session,
                    event_type=kind,
                    operator=f"SE2321000016-OP{i % 12:02d}",
                    payload=payload,
                    now=day_start + step * i,
                )
    return store, path


def day_10k_s(scale: float) -> Figure:
    from kiosk.reports.day import build_day_report, day_bounds
    from kiosk.reports.render import render_day_report

    n = max(500, int(EVENTS * scale))
    store, path = _journal_store(n)
    day = dt.date(2026, 11, 28)
    try:
        started = time.perf_counter()
        report = build_day_report(store, day=day, office_id="KK-SOLNA")
        pdf = render_day_report(report)
        ours = time.perf_counter() - started
    finally:
        store.close()
    assert report.event_count == n and pdf.startswith(b"%PDF")
    start, end = day_bounds(day)
    connection = sqlite3.connect(path)
    started = time.perf_counter()
    rows = connection.execute(
        "SELECT event_id, kiosk_id, seq, occurred_at, operator, event_type, payload_enc,"
        " sync_status FROM journal WHERE occurred_at >= ? AND occurred_at < ?",
        (start, end),
    ).fetchall()
    raw = time.perf_counter() - started
    connection.close()
    assert len(rows) == n
    return Figure(
        name="reports.day_10k_s",
        value=ours,
        unit="s",
        baseline=raw,
        budget=2.0,
        note=f"{n} events in the day, {len(report.blocks)} blocks, "
        f"{len(report.deadlines)} deadlines; baseline: raw SELECT of the rows",
    )


FIGURES = {
    "receipts.render_ms": render_ms,
    "receipts.sign_hand_out_ms": sign_hand_out_ms,
    "reports.day_10k_s": day_10k_s,
}

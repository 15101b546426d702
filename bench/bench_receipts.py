"""Receipt and report figures.

* ``receipts.render_ms``: median time to render one signed activation receipt (text, QR
  code, embedded facts, signature and certificate). Baseline: a bare reportlab canvas
  page with the same text lines, same run. Budget 150 ms.
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
    "reports.day_10k_s": day_10k_s,
}

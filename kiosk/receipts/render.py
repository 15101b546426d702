"""Receipt PDFs with reportlab: deterministic (invariant mode), Swedish or English.

The page shows office, operator, time (Europe/Stockholm), holder, masked personnummer,
card serial and product number, what was done, the journal event id, whom the holder
contacts with questions (R14) and the digest; for holder-signed receipts the signature's
fingerprint; and a QR code of the event id and the digest. ``kiosk receipt verify`` needs
the facts, the digest and the signature: they travel in the PDF's ``/Keywords`` entry as
``kiosk-receipt/1 {json}`` (ASCII JSON).

Invariant mode fixes the creation date and the document id, so the same facts give the
same bytes (tests compare them; a reprint equals the original).
"""

from __future__ import annotations

import io
import itertools
import json
from dataclasses import dataclass
from typing import Any

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from clock import LOCAL_ZONE
from kiosk.domain.decisions import Notice
from kiosk.domain.support import support_path
from kiosk.i18n import Catalogue
from kiosk.receipts.facts import ReceiptFacts, receipt_digest
from kiosk.receipts.signature import HolderSignature
from protocol.event_format import parse_timestamp

EMBED_PREFIX = "kiosk-receipt/1 "
DETAIL_ORDER = (
    "reason",
    "kept",
    "keep_reason",
    "method",
    "deadline",
    "new_serial",
    "duty_telia",
    "duty_police",
    "cut_up_first_card",
    "deviation_name",
    "deviation_birth_date",
)
FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
MONO = "Courier"


@dataclass(frozen=True)
class EmbeddedReceipt:
    """What a receipt PDF carries for ``kiosk receipt verify``."""

    facts: ReceiptFacts
    digest: str
    signature: HolderSignature | None
    lang: str


def local_time(occurred_at: str) -> str:
    """The journal's UTC timestamp as the office's wall-clock time."""
    return parse_timestamp(occurred_at).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M:%S")


def qr_value(facts: ReceiptFacts, digest: str) -> str:
    return f"receipt:{facts.event_id}:{digest}"


def embed_text(
    facts: ReceiptFacts, digest: str, signature: HolderSignature | None, lang: str
) -> str:
    data: dict[str, Any] = {
        "facts": facts.to_dict(),
        "digest": digest,
        "signature": signature.to_dict() if signature is not None else None,
        "lang": lang,
    }
    return EMBED_PREFIX + json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def parse_embedded(text: str | None) -> EmbeddedReceipt | None:
    """The embedded receipt data from a ``/Keywords`` value; None when absent or damaged."""
    if not text or not text.startswith(EMBED_PREFIX):
        return None
    try:
        data = json.loads(text[len(EMBED_PREFIX) :])
        facts = ReceiptFacts.from_dict(data["facts"])
        digest = str(data["digest"])
        raw_sig = data.get("signature")
        signature = HolderSignature.from_dict(raw_sig) if raw_sig is not None else None
        return EmbeddedReceipt(facts, digest, signature, str(data.get("lang", "sv")))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def detail_text(text: Catalogue, name: str, value: str | bool) -> str:
    label = text(f"receipt.detail.{name}")
    if isinstance(value, bool):
        if name.startswith(("duty_", "deviation_")) or name == "cut_up_first_card":
            return label
        return f"{label}: {text('receipt.yes') if value else text('receipt.no')}"
    for family in ("reason", "method"):
        key = f"receipt.{family}.{value}"
        if name == family and text.has(key):
            return f"{label}: {text(key)}"
    return f"{label}: {value}"


def contact_notices() -> tuple[Notice, ...]:
    """R14 for the holder's paper: the organisation's contact first, then the service desk.
    The paper goes with the holder, who may be on SLL-net, so the portal note is included.
    Not part of the facts: the digest, and so every receipt printed before, is unchanged."""
    return support_path(on_sll_net=True)


def action_text(text: Catalogue, event_type: str) -> str:
    key = f"receipt.action.{event_type}"
    return text(key) if text.has(key) else event_type


def receipt_lines(facts: ReceiptFacts, text: Catalogue, digest: str) -> list[tuple[str, str]]:
    """(label, value) rows of the receipt body, in print order."""
    office = f"{facts.office_name} ({facts.office_id})" if facts.office_name else facts.office_id
    operator = facts.operator or "-"
    if facts.operator_name:
        operator = f"{facts.operator_name} ({operator})"
    return [
        (text("receipt.office"), office),
        (text("receipt.operator"), operator),
        (text("receipt.time"), local_time(facts.occurred_at)),
        (text("receipt.holder"), facts.holder_name),
        (text("receipt.personnummer"), facts.personnummer_masked),
        (text("receipt.card_serial"), facts.card_serial),
        (
            text("receipt.product_number"),
            facts.product_number or text("receipt.product_number.none"),
        ),
        (text("receipt.done"), action_text(text, facts.event_type)),
        (text("receipt.event_id"), facts.event_id),
    ]


def _qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """A QR code (reportlab's encoder, level M, 4-module quiet zone) as one filled path.

    Drawing runs of dark modules straight onto the canvas encodes the code once and
    avoids a graphics node per module (``QrCodeWidget`` encodes twice: bounds, then draw).
    """
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(value)
    code.make()
    count = code.getModuleCount()
    border = 4
    box = size / (count + 2 * border)
    path = canvas.beginPath()
    for row_index, row in enumerate(code.modules):
        column = 0
        for dark, run in itertools.groupby(bool(module) for module in row):
            length = len(list(run))
            if dark:
                path.rect(
                    x + (column + border) * box,
                    y + size - (row_index + border + 1) * box,
                    length * box,
                    box,
                )
            column += length
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)


def render_receipt(
    facts: ReceiptFacts,
    *,
    lang: str = "sv",
    signature: HolderSignature | None = None,
    catalogue: Catalogue | None = None,
) -> bytes:
    """The receipt as PDF bytes; the same arguments always give the same bytes."""
    text = catalogue if catalogue is not None and catalogue.lang == lang else Catalogue(lang)
    digest = receipt_digest(facts)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A5, invariant=1, pageCompression=0)
    title = f"{text('receipt.title')}: {action_text(text, facts.event_type)}"
    canvas.setTitle(title)
    canvas.setAuthor(facts.office_id)
    canvas.setCreator("card-office kiosk")
    canvas.setSubject(f"{facts.event_type} {facts.event_id}")
    canvas.setKeywords(embed_text(facts, digest, signature, lang))

    width, height = A5
    margin = 14 * mm
    usable = width - 2 * margin
    y = height - margin - 4 * mm
    canvas.setFont(FONT_BOLD, 15)
    canvas.drawString(margin, y, text("receipt.title"))
    y -= 8 * mm
    label_width = 42 * mm
    for label, value in receipt_lines(facts, text, digest):
        canvas.setFont(FONT_BOLD, 9)
        canvas.drawString(margin, y, label)
        canvas.setFont(FONT, 9)
        for piece in simpleSplit(value, FONT, 9, usable - label_width) or [""]:
            canvas.drawString(margin + label_width, y, piece)
            y -= 4.6 * mm
        y -= 0.8 * mm
    ordered = sorted(
        facts.details,
        key=lambda item: (DETAIL_ORDER.index(item[0]) if item[0] in DETAIL_ORDER else 99, item[0]),
    )
    for name, detail in ordered:
        for piece in simpleSplit(detail_text(text, name, detail), FONT, 9, usable):
            canvas.drawString(margin, y, piece)
            y -= 4.6 * mm
    y -= 2 * mm
    canvas.setFont(FONT_BOLD, 9)
    canvas.drawString(margin, y, text("receipt.contact"))
    y -= 4.6 * mm
    canvas.setFont(FONT, 9)
    for notice in contact_notices():
        for piece in simpleSplit(text(notice.key, **notice.params), FONT, 9, usable):
            canvas.drawString(margin, y, piece)
            y -= 4.6 * mm
    y -= 2 * mm
    canvas.setFont(FONT_BOLD, 8)
    canvas.drawString(margin, y, text("receipt.digest"))
    y -= 4 * mm
    canvas.setFont(MONO, 7)
    canvas.drawString(margin, y, digest)
    y -= 7 * mm
    if facts.needs_holder_signature or signature is not None:
        canvas.setFont(FONT_BOLD, 9)
        canvas.drawString(margin, y, text("receipt.signature"))
        y -= 4.6 * mm
        canvas.setFont(FONT, 8)
        if signature is None:
            lines = [text("receipt.signature.missing")]
        else:
            lines = simpleSplit(
                text(f"receipt.signature.slot_{signature.slot.lower()}"), FONT, 8, usable
            )
        for piece in lines:
            canvas.drawString(margin, y, piece)
            y -= 4 * mm
        if signature is not None:
            canvas.drawString(margin, y, f"{text('receipt.signature.fingerprint')}:")
            y -= 4 * mm
            canvas.setFont(MONO, 7)
            canvas.drawString(margin, y, signature.fingerprint)
            y -= 4 * mm
    qr_size = 34 * mm
    qr_y = max(margin + 8 * mm, min(y - qr_size - 2 * mm, margin + 30 * mm))
    _qr(canvas, qr_value(facts, digest), margin, qr_y, qr_size)
    canvas.setFont(FONT, 7)
    canvas.drawString(margin + qr_size + 4 * mm, qr_y + qr_size / 2, text("receipt.qr"))
    canvas.drawString(margin, margin, text("receipt.footer"))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_plain_page(lines: list[str]) -> bytes:
    """A bare reportlab page with the given lines (the bench's baseline)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A5, invariant=1, pageCompression=0)
    y = A5[1] - 20 * mm
    canvas.setFont(FONT, 9)
    for line in lines:
        canvas.drawString(14 * mm, y, line)
        y -= 4.6 * mm
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()

"""Receipt PDFs with reportlab: deterministic (invariant mode), Swedish or English.

The page is written for the holder: office, operator (by name), local time
(Europe/Stockholm), holder, masked personnummer, card and product number; what was done;
what happens now (``kiosk.receipts.wording``); whom to contact (the office's configured
contact details, then R14); the signature in plain words. Last, small, beside the QR code
(event id and digest): what the office needs to check it (event id, check code, the
signature's fingerprint), with no key slots or hash names in the holder's text.
``kiosk receipt verify`` needs the facts, the digest and the signature: they travel in
the PDF's ``/Keywords`` entry as ``kiosk-receipt/1 {json}`` (ASCII JSON).

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
from kiosk.config import OfficeConfig
from kiosk.i18n import Catalogue
from kiosk.receipts.facts import ReceiptFacts, receipt_digest
from kiosk.receipts.signature import HolderSignature
from kiosk.receipts.wording import contact_lines, next_steps, office_title
from protocol.event_format import parse_timestamp

EMBED_PREFIX = "kiosk-receipt/1 "
DETAIL_ORDER = (
    "card_kind",
    "delivery",
    "with_photo",
    "reorder_from",
    "reason",
    "kept",
    "keep_reason",
    "method",
    "deadline",
    "new_serial",
    "new_order",
    "duty_telia",
    "duty_police",
    "cut_up_first_card",
    "deviation_name",
    "deviation_birth_date",
    "photo_compared",
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
    for family in ("reason", "method", "card_kind", "delivery", "photo_compared"):
        key = f"receipt.{family}.{value}"
        if name == family and text.has(key):
            return f"{label}: {text(key)}"
    return f"{label}: {value}"


def action_text(text: Catalogue, event_type: str) -> str:
    key = f"receipt.action.{event_type}"
    return text(key) if text.has(key) else event_type


def receipt_lines(
    facts: ReceiptFacts, text: Catalogue, office: OfficeConfig | None = None
) -> list[tuple[str, str]]:
    """(label, value) rows at the top of the receipt, in print order."""
    return [
        (text("receipt.office"), office_title(facts, office)),
        (text("receipt.operator"), facts.operator_name or facts.operator or "-"),
        (text("receipt.time"), local_time(facts.occurred_at)),
        (text("receipt.holder"), facts.holder_name),
        (text("receipt.personnummer"), facts.personnummer_masked),
        (text("receipt.card_serial"), facts.card_serial or text("receipt.card_serial.pending")),
        (
            text("receipt.product_number"),
            facts.product_number or text("receipt.product_number.none"),
        ),
    ]


def done_lines(facts: ReceiptFacts, text: Catalogue) -> list[str]:
    """What was done: the action, then its details (the texts the verifier looks for)."""
    ordered = sorted(
        facts.details,
        key=lambda item: (DETAIL_ORDER.index(item[0]) if item[0] in DETAIL_ORDER else 99, item[0]),
    )
    return [action_text(text, facts.event_type)] + [
        detail_text(text, name, detail) for name, detail in ordered
    ]


@dataclass(frozen=True)
class HandOutSigning:
    """The hand-out's two PDF signatures, planned before the page is drawn: the terms the
    holder accepted (printed, so both signatures cover them) and whether the holder's card
    signs with its authentication key (no signing certificate, R5)."""

    terms: str
    holder_with_authentication_key: bool


def signature_lines(
    facts: ReceiptFacts,
    text: Catalogue,
    signature: HolderSignature | None,
    hand_out: HandOutSigning | None = None,
) -> list[str]:
    """The holder's signature in plain words (no key names); empty when none is due."""
    if hand_out is not None:
        slot = "9a" if hand_out.holder_with_authentication_key else "9c"
        return [text("receipt.pades.page.operator"), text(f"receipt.signature.slot_{slot}")]
    if signature is not None:
        return [text(f"receipt.signature.slot_{signature.slot.lower()}")]
    if facts.needs_holder_signature:
        return [text("receipt.signature.missing")]
    return []


def check_lines(
    facts: ReceiptFacts, text: Catalogue, digest: str, signature: HolderSignature | None
) -> list[tuple[str, str]]:
    """The small verification block: (font, line) pairs beside the QR code."""
    operator = facts.operator or "-"
    lines = [
        (FONT, text("receipt.footer")),
        (FONT, text("receipt.check.ids", office_id=facts.office_id, operator=operator)),
        (FONT, f"{text('receipt.event_id')}: {facts.event_id}"),
        (FONT, f"{text('receipt.digest')}:"),
        (MONO, digest),
    ]
    if signature is not None:
        fingerprint = text("receipt.signature.fingerprint")
        lines += [(FONT, f"{fingerprint}:"), (MONO, signature.fingerprint)]
    return lines


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


class _Page:
    """A top-down text cursor on one canvas."""

    def __init__(self, canvas: Canvas, x: float, y: float, width: float) -> None:
        self.canvas, self.x, self.y, self.width = canvas, x, y, width

    def heading(self, value: str) -> None:
        self.y -= 1.6 * mm
        self.canvas.setFont(FONT_BOLD, 9.5)
        self.canvas.drawString(self.x, self.y, value)
        self.y -= 4.6 * mm

    def paragraph(self, value: str, *, indent: float = 0.0, size: float = 9) -> None:
        self.canvas.setFont(FONT, size)
        for piece in simpleSplit(value, FONT, size, self.width - indent) or [""]:
            self.canvas.drawString(self.x + indent, self.y, piece)
            self.y -= size * 0.47 * mm


def render_receipt(
    facts: ReceiptFacts,
    *,
    lang: str = "sv",
    signature: HolderSignature | None = None,
    catalogue: Catalogue | None = None,
    office: OfficeConfig | None = None,
    hand_out: HandOutSigning | None = None,
) -> bytes:
    """The receipt as PDF bytes; the same arguments always give the same bytes.
    ``hand_out``: the page for the two PDF signatures (``kiosk.receipts.pades``), with the
    accepted terms of use.

    The holder's part comes first: the card and the people, what was done, what happens
    now, whom to contact (R14) and the signature. Last, in small print beside the QR
    code, what the office needs to check the receipt."""
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
    margin = 12 * mm
    page = _Page(canvas, margin, height - margin - 4 * mm, width - 2 * margin)
    canvas.setFont(FONT_BOLD, 15)
    canvas.drawString(margin, page.y, text("receipt.title"))
    page.y -= 7 * mm
    label_width = 42 * mm
    for label, value in receipt_lines(facts, text, office):
        canvas.setFont(FONT_BOLD, 8.5)
        canvas.drawString(margin, page.y, label)
        page.x += label_width
        page.width -= label_width
        page.paragraph(value, size=8.5)
        page.x -= label_width
        page.width += label_width
    page.heading(text("receipt.section.done"))
    for line in done_lines(facts, text):
        page.paragraph(line)
    steps = next_steps(facts)
    if steps:
        page.heading(text("receipt.section.next"))
        for step in steps:
            page.paragraph(text(step.key, **step.params))
    page.heading(text("receipt.contact"))
    for line in contact_lines(facts, text, office):
        page.paragraph(line)
    if hand_out is not None:
        page.heading(text("receipt.pades.page.terms"))
        for line in hand_out.terms.splitlines() or [""]:
            page.paragraph(line, size=8)
    signed = signature_lines(facts, text, signature, hand_out)
    if signed:
        page.heading(text("receipt.signature"))
        for line in signed:
            page.paragraph(line)
    _check_block(canvas, text, check_lines(facts, text, digest, signature), margin, width)
    _qr(canvas, qr_value(facts, digest), margin, margin, QR_SIZE)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


QR_SIZE = 30 * mm


def _check_block(
    canvas: Canvas, text: Catalogue, lines: list[tuple[str, str]], margin: float, width: float
) -> None:
    """The verification block in small print, beside the QR code at the page's foot."""
    x = margin + QR_SIZE + 2 * mm
    usable = width - margin - x
    y = margin + QR_SIZE - 3 * mm
    canvas.setFont(FONT_BOLD, 7)
    canvas.drawString(x, y, text("receipt.section.check"))
    y -= 3.2 * mm
    for font, line in lines:
        size = 6 if font == MONO else 6.5
        canvas.setFont(font, size)
        for piece in simpleSplit(line, font, size, usable):
            canvas.drawString(x, y, piece)
            y -= 2.9 * mm


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

"""Receipt PDFs: the text shows the facts, the page renders, the bytes are stable."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode import qrencoder

from kiosk.i18n import Catalogue
from kiosk.receipts.facts import ReceiptFacts, receipt_digest
from kiosk.receipts.render import parse_embedded, qr_value, render_receipt
from kiosk.receipts.service import ReceiptIssuer
from kiosk.services.card import CardSession
from tests.support.world import CLERK, CLERK_NAME, NAME, OFFICE_NAME, World
from tests.unit.receipts.pdf_helpers import (
    compact,
    dark_fraction,
    pdf_text,
    read_qr_modules,
    render_gray,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TIME_SHOWN = "%Y-%m-%d %H:%M:%S"


def _facts(
    world: World, receipts: ReceiptIssuer, event_type: str, **payload: object
) -> ReceiptFacts:
    world.add_card("SE1000000001", product_number="712")
    event = world.event(event_type, {"serial": "SE1000000001", **payload})
    return receipts.facts_for_event(event)


def test_text_extracted_with_pypdf_matches_the_facts(world: World, receipts: ReceiptIssuer) -> None:
    facts = _facts(world, receipts, "card.activated")
    text = pdf_text(render_receipt(facts))
    flat = compact(text)
    for value in (
        OFFICE_NAME,
        CLERK_NAME,
        CLERK,
        NAME,
        "121212-XXXX",
        "SE1000000001",
        "712",
        facts.event_id,
        receipt_digest(facts),
        world.now.astimezone(STOCKHOLM).strftime(TIME_SHOWN),  # the office's local time
    ):
        assert compact(value) in flat, value
    assert compact(world.now.astimezone(dt.UTC).strftime(TIME_SHOWN)) not in flat  # never UTC
    assert "Kvitto" in text and "Kortet har aktiverats." in text
    assert "Kvittot är inte underskrivet av kortinnehavaren." in text
    assert "191212121212" not in flat and "1212" + "1212" not in flat.replace("121212-XXXX", "")


def test_english_on_request(world: World, receipts: ReceiptIssuer) -> None:
    facts = _facts(world, receipts, "card.activated")
    text = pdf_text(render_receipt(facts, lang="en"))
    assert "Receipt" in text and "The card was activated." in text and "Card holder" in text
    assert "Kortinnehavare" not in text


@pytest.mark.parametrize(
    ("event_type", "payload", "expected"),
    [
        (
            "card.returned",
            {"kept": True, "keep_reason": "fortsatt uppdrag"},
            ["Kortet behålls: ja", "fortsatt uppdrag"],
        ),
        (
            "card.unlocked",
            {"method": "in_person"},
            ["Kortet har låsts upp", "på plats hos id-administratör"],
        ),
        ("order.pin_letter", {}, ["Ett PIN-brev har beställts."]),
        ("order.puk_letter", {}, ["En PUK-kod har beställts"]),
        ("order.code_letter", {}, ["Ett nytt kodbrev har beställts."]),
        (
            "card.blocked",
            {"reason": "stolen", "duties_confirmed": ["police_report", "telia_blocking_line"]},
            ["Kortet har spärrats.", "stulet", "Telia, 020-32 32 62", "polisanmälan"],
        ),
        ("card.reordered", {"replaced_by": "SE99"}, ["klipp sönder det och släng det", "SE99"]),
        (
            "card.unlocked_with_code_letter",
            {"path": "code_letter"},
            ["med PUK-koden från kodbrevet", "Sätt: med PUK-kod från kodbrevet"],
        ),
        ("card.return_kept", {"reason": "nytt uppdrag"}, ["Kortet behålls: ja", "nytt uppdrag"]),
        ("order.replacement_card", {}, ["Ett ersättningskort har beställts."]),
        (
            "card.name_change_recorded",
            {"due": "2027-02-28"},
            ["Namnbytet har registrerats", "Sista dag: 2027-02-28"],
        ),
    ],
)
def test_each_workflow_receipt_says_what_was_done(
    world: World,
    receipts: ReceiptIssuer,
    event_type: str,
    payload: dict[str, object],
    expected: list[str],
) -> None:
    facts = _facts(world, receipts, event_type, **payload)
    flat = compact(pdf_text(render_receipt(facts)))
    for phrase in expected:
        assert compact(phrase) in flat, phrase


def test_output_is_byte_stable(world: World, receipts: ReceiptIssuer, piv: CardSession) -> None:
    facts = _facts(world, receipts, "card.activated")
    assert render_receipt(facts) == render_receipt(facts)
    signature = receipts.sign(facts, piv, "123456")
    first = render_receipt(facts, signature=signature)
    assert first == render_receipt(facts, signature=signature)
    assert first != render_receipt(facts, signature=signature, lang="en")


def test_pdf_renders_to_an_image_with_pdftoppm(
    world: World, receipts: ReceiptIssuer, tmp_path: Path
) -> None:
    facts = _facts(world, receipts, "card.blocked", reason="lost")
    pages = render_gray(render_receipt(facts), tmp_path)
    assert len(pages) == 1
    width, height, pixels = pages[0]
    assert (width, height) == (234, 331)  # A5 (148 x 210 mm) at 40 dpi
    ink = dark_fraction(pixels)
    assert 0.02 < ink < 0.5  # text and a QR code, on a mostly white page


def test_embedded_data_round_trips_with_signature(
    world: World, receipts: ReceiptIssuer, piv: CardSession
) -> None:
    facts = _facts(world, receipts, "card.activated")
    signature = receipts.sign(facts, piv, "123456")
    meta = PdfReader(io.BytesIO(render_receipt(facts, signature=signature))).metadata
    assert meta is not None
    embedded = parse_embedded(str(meta["/Keywords"]))
    assert embedded is not None
    assert embedded.facts == facts and embedded.digest == receipt_digest(facts)
    assert embedded.signature == signature
    assert qr_value(facts, embedded.digest) == f"receipt:{facts.event_id}:{embedded.digest}"
    text = compact(pdf_text(render_receipt(facts, signature=signature)))
    assert signature.fingerprint in text
    # in plain words, without the key's slot name (9C) on the holder's paper
    assert compact("Kortinnehavaren har skrivit under kvittot med sitt kort") in text
    assert "(9C)" not in text


def test_parse_embedded_refuses_damage() -> None:
    assert parse_embedded(None) is None
    assert parse_embedded("kiosk-receipt/1 {not json") is None
    assert parse_embedded('kiosk-receipt/1 {"facts": {}}') is None


def test_qr_code_holds_event_id_and_digest(
    world: World, receipts: ReceiptIssuer, tmp_path: Path
) -> None:
    """The printed QR modules equal the QR encoding of ``receipt:<event id>:<digest>``."""
    facts = _facts(world, receipts, "card.activated")
    expected = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    expected.addData(qr_value(facts, receipt_digest(facts)))
    expected.make()
    count = expected.getModuleCount()
    width, _, pixels = render_gray(render_receipt(facts), tmp_path, dpi=200)[0]
    printed = read_qr_modules(pixels, width, count)
    assert printed == [[bool(m) for m in row] for row in expected.modules]
    other = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    other.addData(qr_value(facts, "0" * 64))
    other.make()
    assert printed != [[bool(m) for m in row] for row in other.modules]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_r14_receipt_says_whom_to_contact(world: World, receipts: ReceiptIssuer, lang: str) -> None:
    facts = _facts(world, receipts, "card.activated")
    flat = compact(pdf_text(render_receipt(facts, lang=lang)))
    text = Catalogue(lang)
    keys = ["notice.r14.contact", "notice.r14.service_desk", "notice.r14.portal_card_login"]
    for phrase in [text("receipt.contact"), *(text(key) for key in keys)]:
        assert compact(phrase) in flat, phrase
    assert flat.index(compact(text(keys[0]))) < flat.index(compact(text(keys[1])))

"""The holder signs the receipt (activation, return) on ``HolderSignScreen``: real store,
real workflow services, in-process virtual cards; the PDF is checked with ``verify``."""

from __future__ import annotations

from pathlib import Path

from devices.virtual.factory import DEFAULT_PIN, PersonalisedCard
from kiosk.config import ReceiptConfig
from kiosk.i18n import Catalogue
from kiosk.receipts.desk import ReceiptDesk
from kiosk.receipts.facts import ReceiptFacts
from kiosk.receipts.service import ReceiptIssuer
from kiosk.receipts.verify import verify_receipt
from kiosk.services.workflows.activation import ActivationService
from kiosk.services.workflows.returns import ReturnService
from screens.workflows.receipt import HolderSignScreen, ReprintScreen
from tests.support.ui_workflows import Host, message, settle
from tests.support.world import NAME, OFFICE, PNR, World, operator
from tests.ui.helpers import type_text
from tests.unit.receipts.pdf_helpers import compact, pdf_text


def _desk(world: World, tmp_path: Path) -> ReceiptDesk:
    service = ReceiptIssuer(
        world.store,
        world.journal,
        office_id=OFFICE,
        config=ReceiptConfig(),
        folder=tmp_path / "receipts",
    )
    return ReceiptDesk(service, card_opener=world.opener())


def _holder_card(world: World, serial: str, **kw: object) -> PersonalisedCard:
    made = world.card(world.spec(serial, **kw), holder_id=PNR, name=NAME)
    world.insert(made)
    return made


def _activated(world: World, desk: ReceiptDesk, serial: str) -> ReceiptFacts:
    done = ActivationService(world.services).activate(world.visit(), serial)
    facts = desk.plan(done.event_id)
    assert facts is not None and facts.needs_holder_signature
    return facts


async def test_r11_return_receipt_signed_with_the_holders_card(
    world: World, tmp_path: Path
) -> None:
    _holder_card(world, "S1", state="active", product_number="711")
    desk = _desk(world, tmp_path)
    done = ReturnService(world.services).take_back(operator(), "S1")
    facts = desk.plan(done.event_id)
    assert facts is not None and facts.needs_holder_signature
    app = Host(lambda: HolderSignScreen(Catalogue("sv"), desk, facts))
    async with app.run_test() as pilot:
        await type_text(pilot, DEFAULT_PIN)
        await pilot.press("ctrl+s")
        await settle(pilot)
    outcome = app.results[0]
    assert outcome.signed and outcome.delivery.path is not None
    pdf = outcome.delivery.path.read_bytes()
    report = verify_receipt(pdf, store=world.store, office_id=OFFICE)
    assert report.ok, report.findings
    assert compact("Kortet har återlämnats.") in compact(pdf_text(pdf))


async def test_r2_wrong_pin_then_skip_issues_an_unsigned_receipt_that_says_so(
    world: World, tmp_path: Path
) -> None:
    _holder_card(world, "S2", state="shipped", product_number="711")
    desk = _desk(world, tmp_path)
    facts = _activated(world, desk, "S2")
    en = Catalogue("en")
    app = Host(lambda: HolderSignScreen(en, desk, facts))
    async with app.run_test() as pilot:
        await type_text(pilot, "999999")
        await pilot.press("enter")
        await settle(pilot)
        assert en("error.card.wrong_pin", tries_left=2) in message(app)
        assert en("ui.receipt.sign.retry_or_skip") in message(app)
        assert app.results == []
        await pilot.press("escape")  # skip the signature
        await settle(pilot)
    outcome = app.results[0]
    assert not outcome.signed and outcome.delivery.path is not None
    pdf = outcome.delivery.path.read_bytes()
    text = compact(pdf_text(pdf))
    assert compact(en("receipt.signature.missing")) in text  # English, as the session
    assert compact(en("receipt.action.card.activated")) in text
    report = verify_receipt(pdf, store=world.store, office_id=OFFICE)
    findings = report.keys()
    assert "signature_missing" in findings and not report.ok


async def test_another_card_in_the_reader_cannot_sign_and_leaving_issues_unsigned(
    world: World, tmp_path: Path
) -> None:
    _holder_card(world, "S3", state="shipped", product_number="711")
    desk = _desk(world, tmp_path)
    facts = _activated(world, desk, "S3")
    _holder_card(world, "S4", state="active", product_number="711")  # now in the reader
    screens: list[HolderSignScreen] = []

    def make() -> HolderSignScreen:
        screens.append(HolderSignScreen(Catalogue("sv"), desk, facts))
        return screens[-1]

    app = Host(make)
    folder = tmp_path / "receipts"
    async with app.run_test() as pilot:
        await type_text(pilot, DEFAULT_PIN)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert Catalogue("sv")("error.receipt.card_mismatch", serial="S3") in message(app)
        assert app.results == []
        assert not folder.exists() or not any(folder.iterdir())  # nothing issued yet
    # taken away undecided (the app ended): the receipt still goes out, unsigned
    fallback = screens[0].fallback
    assert fallback is not None
    fallback.join(30)
    (saved,) = folder.glob(f"*{facts.event_id}.pdf")
    assert compact(Catalogue("sv")("receipt.signature.missing")) in compact(
        pdf_text(saved.read_bytes())
    )


async def test_reprint_screen_makes_the_receipt_again(world: World, tmp_path: Path) -> None:
    _holder_card(world, "S5", state="active", product_number="511")
    desk = _desk(world, tmp_path)
    done = ReturnService(world.services).take_back(operator(), "S5")
    sv = Catalogue("sv")
    app = Host(lambda: ReprintScreen(sv, desk))
    async with app.run_test() as pilot:
        await type_text(pilot, done.event_id)
        await pilot.press("enter")
        await settle(pilot)
        saved = sorted((tmp_path / "receipts").glob(f"*{done.event_id}.pdf"))
        assert len(saved) == 1
        assert sv("receipt.saved", path=saved[0]) in message(app)
        await type_text(pilot, "-nope")
        await pilot.press("enter")
        await settle(pilot)
        assert sv("error.receipt.event_unknown", event_id=f"{done.event_id}-nope") in message(app)

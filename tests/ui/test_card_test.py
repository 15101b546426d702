"""Card test verdicts (R13 with R5, R6/R7 advice and R12 assurance level)."""

from __future__ import annotations

from kiosk.i18n import Catalogue
from kiosk.services.card_check import Verdict
from screens.card_check import CardCheckScreen
from tests.support.ui_world import World, make_app
from tests.ui.helpers import log_in, settle, text_of, type_text

SV = Catalogue("sv")


async def _card_test(world: World, card: str, pins: list[str], document: str | None = None):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        if document:
            world.readers.scan(world.zone(document))
            await settle(pilot)
        world.insert("customer", card)
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, CardCheckScreen)
        for pin in pins:
            await type_text(pilot, pin)
            await pilot.press("enter")
            await settle(pilot)
        return app.screen.report, text_of(app, "#test-report")


async def test_r13_working_card_passes(world: World) -> None:
    report, text = await _card_test(world, "asa", ["123456"], "swedish-passport")
    assert report.verdict is Verdict.OK
    assert SV("ui.test.verdict.ok") in text
    assert SV("ui.test.finding.chain_ok") in text
    assert SV("ui.test.finding.signing_present") in text
    assert "inloggning" in text and "underskrift" in text


async def test_r5_missing_signing_certificate_is_a_remark_and_r12_level_shown(world: World) -> None:
    report, text = await _card_test(world, "jons", ["123456"], "swedish-id-card")
    assert report.verdict is Verdict.WARNING
    assert SV("ui.test.finding.signing_missing") in text
    assert SV("ui.test.finding.assurance", level="LoA2") in text


async def test_r13_expired_certificates_fail(world: World) -> None:
    report, text = await _card_test(world, "per", ["123456"])
    assert report.verdict is Verdict.FAIL
    assert SV("ui.test.verdict.fail") in text
    assert "ogiltigt" in text


async def test_r13_wrong_chain_fails_with_new_eid_advice(world: World) -> None:
    """The kiosk checks the chain against its own SITHS anchors: a card that does not chain
    to them needs a new Siths e-id (R13's verdict and step); installing the intermediate
    and root is the advice for the holder's computer, which the kiosk cannot see."""
    report, text = await _card_test(world, "rogue_op", ["123456"])
    assert report.verdict is Verdict.FAIL
    assert SV("ui.test.finding.chain_intermediate") in text
    assert SV("notice.r13.verdict.chain_broken") in text
    assert SV("notice.r13.step.new_eid") in text
    assert "Installera" not in text


async def test_r6_wrong_pin_shows_tries_left(world: World) -> None:
    report, text = await _card_test(world, "asa", ["000000"])
    assert report.verdict is Verdict.FAIL
    assert SV("ui.test.finding.pin_wrong", tries_left=2) in text


async def test_r7_blocked_pin_on_7xx_card_gives_in_person_unlock_advice(world: World) -> None:
    report, text = await _card_test(world, "asa", ["000000"] * 3 + ["123456"], "swedish-passport")
    assert report.pin_blocked
    assert SV("ui.test.finding.unlock_7xx") in text


async def test_r7_blocked_pin_on_5xx_card_needs_the_code_letter(world: World) -> None:
    report, text = await _card_test(world, "jons", ["000000"] * 4, "swedish-id-card")
    assert report.pin_blocked
    assert SV("ui.test.finding.unlock_puk_letter") in text


async def test_card_test_without_customer_card_explains(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f7")
        await settle(pilot)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(pilot)
        assert "Det sitter inget kort" in text_of(app, "#test-report")

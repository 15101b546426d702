"""The card check service decides with the rules: R13's verdict, R5's signing notice,
R7's unlock advice by product series and R12's level for reserve cards."""

from __future__ import annotations

import pytest

from clock import FixedClock
from kiosk.domain.card_check import CardTestVerdict
from kiosk.services.card_check import Verdict, assurance_finding, unlock_finding
from kiosk.services.ports import CardView
from tests.support.ui_world import build_world


@pytest.mark.parametrize(
    ("card", "pin", "rule_verdict", "signing", "verdict"),
    [
        ("asa", "123456", CardTestVerdict.OK, "notice.r5.signing_present", Verdict.OK),
        ("jons", "123456", CardTestVerdict.OK, "notice.r5.signing_missing", Verdict.WARNING),
        ("asa", "000000", CardTestVerdict.PIN_REFUSED, "notice.r5.signing_present", Verdict.FAIL),
        ("per", "123456", CardTestVerdict.CERTS_INVALID, "notice.r5.signing_present", Verdict.FAIL),
        (
            "rogue_op",
            "123456",
            CardTestVerdict.CHAIN_BROKEN,
            "notice.r5.signing_present",
            Verdict.FAIL,
        ),
    ],
)
def test_r13_r5_the_card_check_verdict_is_the_rules(
    clock: FixedClock,
    card: str,
    pin: str,
    rule_verdict: CardTestVerdict,
    signing: str,
    verdict: Verdict,
) -> None:
    world = build_world(clock)
    world.insert("customer", card)
    report = world.services.card_check.run(pin)
    assert report.result.verdict is rule_verdict
    assert report.result.signing.key == signing
    assert report.verdict is verdict


def test_r13_a_refused_pin_says_to_unlock(clock: FixedClock) -> None:
    world = build_world(clock)
    world.insert("customer", "asa")
    report = world.services.card_check.run("000000")
    assert [step.key for step in report.result.steps] == ["notice.r13.step.unlock"]


@pytest.mark.parametrize(
    ("card", "pin", "advice"),
    [
        ("asa", "123456", []),
        ("jons", "123456", []),
        ("asa", "000000", ["notice.r13.verdict.pin_refused", "notice.r13.step.unlock"]),
        ("per", "123456", ["notice.r13.verdict.certs_invalid", "notice.r13.step.new_eid"]),
        ("rogue_op", "123456", ["notice.r13.verdict.chain_broken", "notice.r13.step.new_eid"]),
    ],
)
def test_r13_the_report_advises_with_the_rules_verdict_and_steps(
    clock: FixedClock, card: str, pin: str, advice: list[str]
) -> None:
    world = build_world(clock)
    world.insert("customer", card)
    report = world.services.card_check.run(pin)
    assert [notice.key for notice in report.advice] == advice


@pytest.mark.parametrize(
    ("product_number", "key"),
    [
        ("711", "ui.test.finding.unlock_7xx"),
        ("512", "ui.test.finding.unlock_puk_letter"),
        ("613", "ui.test.finding.unlock_puk_letter"),
        (None, "ui.test.finding.unlock_puk_letter"),
    ],
)
def test_r7_unlock_advice_follows_the_product_series(product_number: str | None, key: str) -> None:
    assert unlock_finding(product_number).key == key


def _record(*, is_reserve: bool = False, assurance_level: str | None = None) -> CardView:
    return CardView(
        serial="9752269000000202",
        product_number="512",
        state="locked",
        is_reserve=is_reserve,
        assurance_level=assurance_level,
    )


def test_r12_a_reserve_card_shows_its_level() -> None:
    for level in ("LoA2", "LoA3"):
        finding = assurance_finding(_record(is_reserve=True, assurance_level=level))
        assert finding is not None
        assert finding.key == "ui.test.finding.assurance"
        assert finding.params == {"level": level}
    assert assurance_finding(_record(is_reserve=True)) is None
    assert assurance_finding(_record(assurance_level="LoA3")) is None  # an ordinary card
    assert assurance_finding(_record()) is None
    assert assurance_finding(None) is None


def test_a_card_that_answers_61_00_for_ever_is_refused_in_the_clerks_words(
    clock: FixedClock,
) -> None:
    from devices.card.errors import ResponseTooLongError
    from devices.card.piv import MAX_GET_RESPONSES
    from kiosk.i18n import Catalogue

    world = build_world(clock)
    card = world.cards["asa"].card
    world.insert("customer", "asa")
    card.hostile_get_response(piece=b"")
    before = card.apdu_count
    with pytest.raises(ResponseTooLongError) as caught:
        world.services.card_check.run("123456")
    assert card.apdu_count - before <= 2 * (1 + MAX_GET_RESPONSES)
    text = Catalogue("sv").error(caught.value)
    assert text.startswith("Kortet slutade aldrig skicka data")
    assert "trasigt" in text

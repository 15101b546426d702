"""R13: the card test verdict and what to do; install the intermediate before the root."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.domain.card_check import (
    CardTestFacts,
    CardTestVerdict,
    card_test_verdict,
    verdict_notice,
)

GOOD = CardTestFacts(pin_ok=True, certs_readable=True, certs_valid=True, chain_ok=True)


def test_r13_all_good() -> None:
    result = card_test_verdict(GOOD)
    assert result.verdict is CardTestVerdict.OK
    assert result.steps == ()
    assert verdict_notice(result.verdict).key == "notice.r13.verdict.ok"


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({"pin_ok": False, "certs_readable": False}, CardTestVerdict.PIN_REFUSED),
        ({"certs_readable": False, "certs_valid": False}, CardTestVerdict.CERTS_UNREADABLE),
        ({"certs_valid": False}, CardTestVerdict.CERTS_INVALID),
        ({"chain_ok": False}, CardTestVerdict.CHAIN_BROKEN),
        ({"root_installed": False}, CardTestVerdict.COMPUTER_LACKS_CA),
    ],
)
def test_r13_first_failing_check_decides(
    changes: dict[str, bool], verdict: CardTestVerdict
) -> None:
    assert card_test_verdict(replace(GOOD, **changes)).verdict is verdict


def test_r13_install_intermediate_first_then_root() -> None:
    result = card_test_verdict(replace(GOOD, intermediate_installed=False, root_installed=False))
    assert [s.key for s in result.steps] == [
        "notice.r13.step.install_intermediate",
        "notice.r13.step.install_root",
    ]
    only_root = card_test_verdict(replace(GOOD, root_installed=False))
    assert [s.key for s in only_root.steps] == ["notice.r13.step.install_root"]


def test_r13_r5_card_test_says_whether_a_signing_certificate_is_present() -> None:
    assert card_test_verdict(GOOD).signing.key == "notice.r5.signing_missing"
    with_cert = card_test_verdict(replace(GOOD, has_signing_cert=True))
    assert with_cert.signing.key == "notice.r5.signing_present"

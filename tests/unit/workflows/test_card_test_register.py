"""R13: the card test consults the register before the card's own answers."""

from __future__ import annotations

import pytest

from kiosk.domain.card_check import CardTestFacts, CardTestVerdict, card_test_verdict
from kiosk.domain.types import CardState

WORKING = {"pin_ok": True, "certs_readable": True, "certs_valid": True, "chain_ok": True}


@pytest.mark.parametrize("state", [CardState.BLOCKED, CardState.RETURNED, CardState.REPLACED])
def test_r13_withdrawn_card_never_works(state: CardState) -> None:
    result = card_test_verdict(CardTestFacts(**WORKING, register_state=state))
    assert result.verdict is CardTestVerdict.WITHDRAWN
    assert [step.key for step in result.steps] == ["notice.r13.step.withdrawn"]


def test_r13_puk_blocked_card_is_blocked_and_replaced() -> None:
    result = card_test_verdict(CardTestFacts(**WORKING, register_state=CardState.PUK_BLOCKED))
    assert result.verdict is CardTestVerdict.PUK_BLOCKED
    assert [step.key for step in result.steps] == ["notice.r13.step.block_and_order"]


def test_r13_active_card_in_register_works() -> None:
    result = card_test_verdict(CardTestFacts(**WORKING, register_state=CardState.ACTIVE))
    assert result.verdict is CardTestVerdict.OK


def test_r13_every_state_that_cannot_work_has_a_finding() -> None:
    from kiosk.domain.card_check import WITHDRAWN_STATES
    from kiosk.services.card_check import REGISTER_FINDINGS

    assert set(REGISTER_FINDINGS) == {*WITHDRAWN_STATES, CardState.PUK_BLOCKED}

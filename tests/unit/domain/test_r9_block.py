"""R9: blocking, its side-duties (Telia, police) and that nobody has to be present."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from kiosk.domain.blocking import (
    TELIA_BLOCKING_LINE,
    BlockDuty,
    BlockRequest,
    block_duties,
    block_duty_notices,
    check_block,
)
from kiosk.domain.types import BlockReason, CardFacts, CardState
from kiosk.errors import (
    CardIsBlockedError,
    CardIsReplacedError,
    PoliceReportNotConfirmedError,
    TeliaCallNotConfirmedError,
)
from kiosk.i18n import Catalogue

MakeCard = Callable[..., CardFacts]
NOW = datetime(2026, 3, 15, 9, 30, tzinfo=UTC)


def request(reason: BlockReason = BlockReason.LOST, **kw: object) -> BlockRequest:
    return BlockRequest(
        serial="SE0001",
        reason=reason,
        operator_id="op-1",
        received_at=NOW,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("number", "telia"), [("512", True), ("612", True), (None, True), ("712", False)]
)
def test_r9_telia_blocking_line_for_5xx_6xx_and_none(
    card: MakeCard, number: str | None, telia: bool
) -> None:
    duties = block_duties(card(product_number=number))
    assert (BlockDuty.TELIA_BLOCKING_LINE in duties) is telia


def test_r9_telia_line_number() -> None:
    assert TELIA_BLOCKING_LINE == "020-32 32 62"
    (notice,) = block_duty_notices({BlockDuty.TELIA_BLOCKING_LINE})
    assert "020-32 32 62" in Catalogue("sv")(notice.key, **notice.params)


@pytest.mark.parametrize(
    ("reason", "police"),
    [
        (BlockReason.LOST, True),
        (BlockReason.STOLEN, True),
        (None, True),
        (BlockReason.PIN_OR_PUK_KNOWN, False),
        (BlockReason.NAME_CHANGE, False),
    ],
)
def test_r9_police_report_for_sis_marked_cards(
    card: MakeCard, reason: BlockReason | None, police: bool
) -> None:
    assert (BlockDuty.POLICE_REPORT in block_duties(card(sis_marked=True), reason)) is police
    assert BlockDuty.POLICE_REPORT not in block_duties(card(sis_marked=False), reason)


def test_r9_block_allowed_without_card_and_without_holder(card: MakeCard) -> None:
    for state in (CardState.ACTIVE, CardState.SHIPPED, CardState.LOCKED, CardState.ORDERED):
        req = request(card_present=False, holder_present=False)
        assert check_block(card(state=state), req).allowed


def test_r9_clerk_must_confirm_telia_and_police_duties(card: MakeCard) -> None:
    c = card(product_number="612", sis_marked=True)
    refusal = check_block(c, request()).refusal
    assert isinstance(refusal, TeliaCallNotConfirmedError)
    assert "020-32 32 62" in Catalogue("sv").error(refusal)
    told_telia = request(confirmed_duties=frozenset({BlockDuty.TELIA_BLOCKING_LINE}))
    assert isinstance(check_block(c, told_telia).refusal, PoliceReportNotConfirmedError)
    assert check_block(c, request(confirmed_duties=frozenset(BlockDuty))).allowed


def test_r9_final_cards_cannot_be_blocked_again(card: MakeCard) -> None:
    assert isinstance(
        check_block(card(state=CardState.BLOCKED), request()).refusal, CardIsBlockedError
    )
    replaced = check_block(card(state=CardState.REPLACED), request()).refusal
    assert isinstance(replaced, CardIsReplacedError)

"""The hand-out screen (activation's receipt): the terms of use, the operator's and the
holder's PIN fields, both masked and cleared at once; snapshots at 80×24 in both
languages. Signing itself is the desk's (``tests/unit/receipts/test_pades.py``, and the
app over the demo in ``tests/ui/test_receipts_app.py``)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from kiosk.i18n import Catalogue
from kiosk.receipts.facts import ReceiptFacts
from screens.workflows.hand_out import HandOutSignScreen
from tests.support.ui_workflows import Host, message, settle
from tests.ui.helpers import type_text
from tests.ui.test_snapshots import SIZE

FACTS = ReceiptFacts(
    event_id="evt-hand-out",
    event_type="card.activated",
    kiosk_id="kiosk-solna-1",
    office_id="KK-SOLNA",
    occurred_at="2026-03-02T09:00:00.000000Z",
    operator="SE2321000016-CLK1",
    holder_name="Åsa Linnéa Öberg",
    personnummer_masked="850312-XXXX",
    card_serial="9752269000000201",
    product_number="712",
)


class _Desk:
    """The desk's part the screen uses: the terms, and the signing call it records."""

    def __init__(self) -> None:
        self.signed: list[tuple[str, str]] = []

    def terms(self, lang: str | None = None) -> str:
        return Catalogue(lang or "sv")("receipt.pades.terms_placeholder")

    def sign_hand_out(
        self, facts: ReceiptFacts, operator_pin: str, holder_pin: str, **_: Any
    ) -> Any:
        self.signed.append((operator_pin, holder_pin))
        return "issued"

    def issue(self, facts: ReceiptFacts, **_: Any) -> Any:
        return "unsigned"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_snapshot_hand_out(snap_compare: Any, lang: str) -> None:
    app = Host(lambda: HandOutSignScreen(Catalogue(lang), _Desk(), FACTS))  # type: ignore[arg-type]
    assert snap_compare(app, terminal_size=SIZE)


async def test_both_pins_go_to_the_desk_and_the_fields_are_cleared() -> None:
    desk = _Desk()
    app = Host(lambda: HandOutSignScreen(Catalogue("sv"), desk, FACTS))  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "111111")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert desk.signed == []
        assert Catalogue("sv")("ui.receipt.hand_out.pins_missing") in message(app)
        await type_text(pilot, "111111")
        await pilot.press("enter")  # to the holder's field
        await type_text(pilot, "222222")
        await pilot.press("enter")
        await settle(pilot)
    assert desk.signed == [("111111", "222222")]
    assert app.results == ["issued"]


async def test_escape_issues_unsigned_and_clears_the_operators_field() -> None:
    desk = _Desk()
    app = Host(lambda: HandOutSignScreen(Catalogue("en"), desk, FACTS))  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "111111")
        field = app.screen.query_one("#operator-pin", Input)
        assert field.password and field.value == "111111"
        await pilot.press("escape")
        await settle(pilot)
        assert field.value == ""
    assert app.results == ["unsigned"] and desk.signed == []

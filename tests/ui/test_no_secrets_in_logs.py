"""Secrets never leak: a whole counter session on the demo store, with every logger at
DEBUG, writes no PIN, personnummer, holder name or document number into the log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from clock import FixedClock
from kiosk.i18n import Catalogue
from kiosk.services.ports import ReaderRole
from screens.card_check import CardCheckScreen
from screens.home import HomeScreen
from tests.ui.helpers import demo_app, settle, type_text, wait_ready

SECRETS = (
    "123456",  # the demo PIN
    "198503122387",
    "8503122387",
    "850312-2387",
    "Åsa",
    "Öberg",
    "OEBERG",
    "AB1234567",  # the passport's document number
)


async def test_a_counter_session_logs_no_secrets(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, clock: FixedClock
) -> None:
    caplog.set_level(logging.DEBUG)
    app = demo_app(tmp_path, clock, Catalogue("sv"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, app)
        demo = app.ctx.services.get().demo
        assert demo is not None
        demo.insert(ReaderRole.OPERATOR, "clerk")
        await settle(pilot)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f3")
        await type_text(pilot, "19850312-2387")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape", "f2")
        await settle(pilot)
        demo.scan("swedish-passport")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        demo.insert(ReaderRole.CUSTOMER, "asa-new")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, CardCheckScreen)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(pilot)
        demo.remove(ReaderRole.OPERATOR)  # locks the kiosk
        await settle(pilot)
    logged = "\n".join(
        f"{record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    )
    assert caplog.records, "the session logged nothing at all: the check would be empty"
    messages = [r.getMessage() for r in caplog.records]
    assert any("identity.checked" in m for m in messages), "journal events are logged"
    assert any("operator logged in" in m for m in messages)
    assert any("kiosk locked" in m for m in messages)
    for secret in SECRETS:
        assert secret not in logged, f"a secret reached the log: {secret[:2]}…"

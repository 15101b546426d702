"""The demo as ``kiosk demo`` builds it: real SQLite store seeded with the demo data,
in-process virtual readers, the device panel; login, lookup and an identity check."""

from __future__ import annotations

from pathlib import Path

from clock import LOCAL_ZONE, FixedClock
from kiosk.i18n import Catalogue
from screens.commands import palette_commands
from screens.home import HomeScreen
from screens.login import LoginScreen
from screens.visit import VisitScreen
from tests.ui.helpers import demo_app, settle, text_of, type_text, wait_ready

SV = Catalogue("sv")


async def test_demo_login_lookup_and_identity_check(tmp_path: Path, clock: FixedClock) -> None:
    app = demo_app(tmp_path, clock, SV)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await wait_ready(pilot, app)
        demo = app.ctx.services.get().demo
        assert demo is not None
        ids = [c.item_id for c in demo.cards()]
        assert "clerk" in ids and "admin" in ids
        await pilot.press("f9", "o", "escape")  # first card: the clerk
        await settle(pilot)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.ctx.session.operator.hsa_id == "SE2321000016-1001"
        await pilot.press("f3")
        await type_text(pilot, "19850312-2387")
        await pilot.press("enter")
        await settle(pilot)
        detail = text_of(app, "#detail")
        assert "Åsa Linnéa Öberg" in detail and "9752269000000201" in detail
        await pilot.press("escape", "f2")
        await settle(pilot)
        demo.scan("swedish-passport")
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)
        assert SV("ui.visit.identity.accepted") in text_of(app, "#checks")
        await pilot.press("f5")
        await settle(pilot)
        assert SV("ui.visit.photo_yes") in text_of(app, "#likeness")
        # the check was journaled in the store
        services = app.ctx.services.get()
        detail_after = services.lookup.detail(app.ctx.session.visit.holder.holder_id)
        checked = [h for h in detail_after.history if h.event_type == "identity.checked"]
        assert checked, detail_after.history
        # history names the operator and gives local time, as receipts do
        assert checked[-1].operator == "Clara Kvist"
        assert checked[-1].at.utcoffset() == clock().astimezone(LOCAL_ZONE).utcoffset()
        assert checked[-1].at.tzinfo == LOCAL_ZONE


async def test_demo_wrong_operator_pin_shows_tries_left(tmp_path: Path, clock: FixedClock) -> None:
    app = demo_app(tmp_path, clock, SV)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, app)
        await pilot.press("f9", "o", "escape")
        await settle(pilot)
        await type_text(pilot, "111111")
        await pilot.press("enter")
        await settle(pilot)
        assert SV("error.ui.pin_rejected", tries_left=2) in text_of(app, "#login-message")


async def test_demo_workflows_are_in_the_palette_and_open_in_a_visit(
    tmp_path: Path, clock: FixedClock
) -> None:
    from screens.workflows.activation import ActivationScreen

    app = demo_app(tmp_path, clock, SV)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, app)
        await pilot.press("f9", "o", "escape")
        await settle(pilot)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(pilot)
        titles = {c.title for c in palette_commands(app)}
        assert Catalogue("sv")("workflows.cmd.activation") in titles
        await pilot.press("f2")
        await settle(pilot)
        app.ctx.services.get().demo.scan("swedish-passport")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f11")  # activation's key
        await settle(pilot)
        assert isinstance(app.screen, ActivationScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)


async def test_demo_lookup_by_full_name_and_serial_reads_the_store(
    tmp_path: Path, clock: FixedClock
) -> None:
    app = demo_app(tmp_path, clock, SV)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, app)
        lookup = app.ctx.services.get().lookup
        by_name = lookup.search("Jöns Ülrik Lindqvist")
        assert [h.name for h in by_name.holders] == ["Jöns Ülrik Lindqvist"]
        by_serial = lookup.search("9752269000000202")
        assert by_serial.holders == by_name.holders
        assert lookup.search("19850312-2388").holders == ()  # wrong check digit: nobody
        detail = lookup.detail(by_name.holders[0].holder_id)
        assert detail is not None
        assert [(c.serial, c.state, c.assurance_level) for c in detail.cards] == [
            ("9752269000000202", "locked", "LoA2")
        ]


async def test_demo_lookup_by_a_folded_name_word_and_by_birth_date(
    tmp_path: Path, clock: FixedClock
) -> None:
    app = demo_app(tmp_path, clock, SV)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, app)
        await pilot.press("f9", "o", "escape")  # first card: the clerk
        await settle(pilot)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(pilot)
        for query, kind in (("oberg", "name"), ("asa linnea", "name"), ("19850312", "birth_date")):
            await pilot.press("f3")
            await type_text(pilot, query)
            await pilot.press("enter")
            await settle(pilot)
            assert f"({SV(f'ui.lookup.kind.{kind}')})" in text_of(app, "#lookup-message"), query
            assert "Åsa Linnéa Öberg" in text_of(app, "#detail"), query
            await pilot.press("escape")
            await settle(pilot)


REFUSED_OPERATORS = {
    "stranger": SV("error.login.unknown"),
    "expired-op": SV("error.login.expired", date="").split("  ")[0].rstrip(" ."),
    "rogue-op": SV("error.login.wrong_chain"),
    "blocked-op": SV("error.login.blocked"),
}


async def test_demo_has_an_operator_card_for_each_login_refusal(
    tmp_path: Path, clock: FixedClock
) -> None:
    from kiosk.services.ports import ReaderRole

    app = demo_app(tmp_path, clock, SV)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, app)
        demo = app.ctx.services.get().demo
        assert demo is not None
        for key, refusal in REFUSED_OPERATORS.items():
            demo.insert(ReaderRole.OPERATOR, key)
            await settle(pilot)
            await type_text(pilot, "123456")
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, LoginScreen), key
            assert refusal in text_of(app, "#login-message"), key
            demo.remove(ReaderRole.OPERATOR)
            await settle(pilot)

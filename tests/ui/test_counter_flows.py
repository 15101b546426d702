"""Flows that must finish, driven through the app as a clerk uses it (issue "The counter as
a clerk uses it", section Flows)."""

from __future__ import annotations

from kiosk.i18n import Catalogue
from screens.lookup import LookupScreen
from screens.visit import VisitScreen
from tests.support.ui_world import World, make_app
from tests.ui.helpers import log_in, settle, text_of, type_text

SV = Catalogue("sv")


async def _checked_visit(pilot, world: World) -> None:
    await log_in(pilot, world)
    await pilot.press("f2")
    await settle(pilot)
    world.readers.scan(world.zone("swedish-passport"))
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)


async def test_search_then_escape_returns_to_the_visit_with_its_identity_check(
    world: World,
) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await _checked_visit(pilot, world)
        visit = app.ctx.session.visit
        assert visit.identity_done
        await pilot.press("f3")  # Sök: F3 on every screen
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)
        assert app.ctx.session.visit is visit and visit.identity_done
        assert SV("ui.visit.photo_yes") in text_of(app, "#likeness")


async def test_switching_errand_keeps_the_photo_confirmation(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await _checked_visit(pilot, world)
        before = len(world.recorder.records)
        await pilot.press("f4")  # general -> activation
        await settle(pilot)
        visit = app.ctx.session.visit
        assert visit.purpose.value == "activation"
        assert visit.likeness_confirmed is True and visit.identity_done
        assert SV("ui.visit.photo_yes") in text_of(app, "#likeness")
        record = world.recorder.records[-1]  # the check for the new errand, recorded
        assert len(world.recorder.records) == before + 1 and record.purpose == "activation"


async def test_card_inserted_before_the_document_is_matched_once_the_holder_is_known(
    world: World,
) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        world.insert("customer", "asa")  # the natural order: card first
        await settle(pilot)
        assert app.ctx.session.visit.card_match.reason_key == "ui.visit.card.no_holder"
        world.readers.scan(world.zone("swedish-passport"))
        await settle(pilot)
        match = app.ctx.session.visit.card_match
        assert match is not None and match.matched
        assert "9752269000000201" in text_of(app, "#card")


async def test_r9_the_waiting_blocks_count_opens_their_list_with_age_and_state(
    world: World,
) -> None:
    from screens.pending_blocks import PendingBlocksScreen
    from tests.support.ui_world import with_pending_blocks

    app = make_app(with_pending_blocks(world))
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        assert SV("ui.status.blocks", count=2, age="45m") in text_of(app, "#status-bar")
        await pilot.press("shift+f12")
        await settle(pilot)
        assert isinstance(app.screen, PendingBlocksScreen)
        assert SV("ui.pending.title", count=2) in text_of(app, "#pending-title")
        assert SV("ui.pending.state.offline") in text_of(app, "#pending-state")
        lines = text_of(app, "#pending-lines")
        assert "9752269000000201" in lines and "45m" in lines and "30m" in lines
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PendingBlocksScreen)
        await pilot.press("ctrl+p")  # the palette offers the list too
        await settle(pilot)
        await type_text(pilot, SV("ui.cmd.pending_blocks", count=2)[:14])
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PendingBlocksScreen)

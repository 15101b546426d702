"""The counter's safety, driven through the app as a clerk uses it (issue "The counter as a
clerk uses it", section Safety)."""

from __future__ import annotations

from kiosk.i18n import Catalogue
from screens.visit import VisitScreen
from tests.support.ui_world import World, make_app
from tests.ui.helpers import log_in, settle, text_of, type_text

SV = Catalogue("sv")


async def test_r1_photo_mismatch_cannot_be_talked_past(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        world.readers.scan(world.zone("swedish-passport"))
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)  # no reason dialog
        await type_text(pilot, "Fotot ar gammalt")
        await pilot.press("enter")
        await settle(pilot)
        visit = app.ctx.session.visit
        assert not visit.identity_done and visit.identity_document() is None
        assert world.recorder.records[-1].result.value == "refused"
        assert SV("ui.visit.photo_no") in text_of(app, "#likeness")


def _set_card_state(world: World, holder_id: str, state: str) -> None:
    """The holder's first card in ``state`` on record in the store."""
    from store.cards import set_card_state

    detail = world.directory.detail(holder_id)
    assert detail is not None and detail.cards, holder_id
    with world.base.store.unit_of_work() as session:
        set_card_state(session, detail.cards[0].serial, state=state, at=world.clock())


async def _card_test(pilot, world: World, card: str) -> str:
    from tests.ui.helpers import all_text

    await log_in(pilot, world)
    world.insert("customer", card)
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)
    await type_text(pilot, "123456")
    await pilot.press("enter")
    await settle(pilot)
    return all_text(pilot.app)


async def test_r13_blocked_card_never_tests_as_working(world: World) -> None:
    _set_card_state(world, "h-asa", "blocked")
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        shown = await _card_test(pilot, world, "asa")
        assert SV("ui.test.finding.register_blocked") in shown
        assert SV("ui.test.verdict.fail") in shown
        assert SV("ui.test.verdict.ok") not in shown
        assert SV("ui.test.no_pin_needed") in shown  # asked before anyone typed


async def test_r13_returned_and_replaced_cards_never_test_as_working(world: World) -> None:
    for state in ("returned", "replaced"):
        _set_card_state(world, "h-asa", state)
        app = make_app(world)
        async with app.run_test(size=(80, 24)) as pilot:
            shown = await _card_test(pilot, world, "asa")
            assert SV(f"ui.test.finding.register_{state}") in shown
            assert SV("ui.test.verdict.ok") not in shown
        world.remove("customer")


async def test_r7_puk_blocked_card_gets_block_and_order_not_a_code_letter(world: World) -> None:
    _set_card_state(world, "h-jons", "puk_blocked")
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        shown = await _card_test(pilot, world, "jons")
        assert SV("ui.test.finding.register_puk_blocked") in shown
        assert SV("ui.test.finding.unlock_puk_letter") not in shown
        assert SV("ui.test.verdict.ok") not in shown


async def test_ctrl_q_asks_first_even_on_the_lock_screen_then_exits_with_0(world: World) -> None:
    from screens.login import LoginScreen
    from screens.quit_confirm import QuitConfirmScreen

    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, QuitConfirmScreen) and app.is_running
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.is_running
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 0


async def test_ctrl_q_in_a_visit_asks_first(world: World) -> None:
    from screens.quit_confirm import QuitConfirmScreen

    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, QuitConfirmScreen) and app.is_running
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)


async def test_ctrl_c_toast_is_in_the_interface_language(world: World) -> None:
    for lang in ("sv", "en"):
        app = make_app(world, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+c")
            await settle(pilot)
            assert app.notices == [Catalogue(lang)("ui.quit.hint")]


async def test_personnummer_masked_in_the_holder_detail_until_revealed(world: World) -> None:
    from screens.lookup import LookupScreen

    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f3")
        await type_text(pilot, "Öberg")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        detail = text_of(app, "#detail")
        assert "850312-XXXX" in detail and "198503122387" not in detail
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "198503122387" in text_of(app, "#detail")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "198503122387" not in text_of(app, "#detail")


async def test_personnummer_masked_in_the_visit_as_on_the_receipt(world: World) -> None:
    from kiosk.domain.personnummer import mask_personnummer

    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        world.readers.scan(world.zone("swedish-passport"))
        await settle(pilot)
        head = text_of(app, "#visit-head")
        assert mask_personnummer("198503122387") in head  # the receipt's mask
        assert "198503122387" not in head
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "198503122387" in text_of(app, "#visit-head")

"""Forced card login: success and each refusal, PIN never echoed, lock on removal and idle."""

from __future__ import annotations

from textual.widgets import Input

from kiosk.i18n import Catalogue
from screens.home import HomeScreen
from screens.login import LoginScreen
from screens.messages import LoggedIn
from tests.support.ui_world import World, make_app
from tests.ui.helpers import all_text, log_in, settle, text_of, type_text

SV = Catalogue("sv")


async def test_login_with_clerk_card_opens_home_and_shows_operator(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world, "clerk")
        assert isinstance(app.screen, HomeScreen)
        assert app.ctx.session.operator.role == "clerk"
        status = text_of(app, "#status-bar")
        assert "Clara Kvist" in status and "handläggare" in status


async def test_a_late_second_login_answer_keeps_the_operator_and_the_work_screens(
    world: World,
) -> None:
    """A second answer of the login service (say a second Enter's) can arrive after the first
    opened the work screens: it must not tear them down under the operator (it crashed the
    app with "Can't remove active mode 'work'")."""
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world, "clerk")
        first = app.ctx.session.operator
        home = app.screen
        app.post_message(LoggedIn(first))
        await settle(pilot)
        assert app.is_running and app.screen is home
        assert app.ctx.session.operator is first


async def test_login_as_id_admin_gets_role_id_admin(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world, "admin")
        assert app.ctx.session.operator.role == "id_admin"
        assert "id-administratör" in text_of(app, "#status-bar")


async def test_pin_field_never_echoes(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "2", "3")
        pin = app.screen.query_one("#pin", Input)
        assert pin.password is True
        assert "123" not in str(pin.render_line(0))


async def _refused(world: World, card: str, pin: str = "123456") -> str:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world, card, pin)
        assert isinstance(app.screen, LoginScreen)
        assert app.ctx.session.operator is None
        return text_of(app, "#login-message")


async def test_unknown_operator_card_is_refused(world: World) -> None:
    assert SV("error.login.unknown") in await _refused(world, "stranger")


async def test_expired_operator_card_is_refused(world: World) -> None:
    text = await _refused(world, "expired_op")
    assert "gick ut" in text


async def test_wrongly_chained_operator_card_is_refused(world: World) -> None:
    assert SV("error.login.wrong_chain") in await _refused(world, "rogue_op")


async def test_blocked_operator_is_refused(world: World) -> None:
    assert SV("error.login.blocked") in await _refused(world, "blocked_op")


async def test_wrong_pin_shows_tries_left(world: World) -> None:
    text = await _refused(world, "clerk", pin="999999")
    assert SV("error.ui.pin_rejected", tries_left=2) in text


async def test_r6_pin_blocked_after_three_wrong(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        world.insert("operator", "clerk")
        await settle(pilot)
        for _ in range(3):
            await type_text(pilot, "999999")
            await pilot.press("enter")
            await settle(pilot)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(pilot)
        assert SV("error.ui.pin_blocked") in text_of(app, "#login-message")
        assert app.ctx.session.operator is None


async def test_no_card_in_operator_reader_is_explained(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(pilot)
        assert "Det sitter inget kort" in text_of(app, "#login-message")


async def test_removing_operator_card_locks_and_clears_customer_data(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world, "clerk")
        await pilot.press("f3")
        await type_text(pilot, "198503122387")
        await pilot.press("enter")
        await settle(pilot)
        assert "Öberg" in text_of(app, "#detail")
        assert "Öberg" in all_text(app)
        world.remove("operator")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.ctx.session.operator is None and app.ctx.session.visit is None
        assert SV("ui.lock.card_removed") in text_of(app, "#login-message")
        # no screen in any mode still shows the holder
        assert "Öberg" not in all_text(app)


async def test_idle_timeout_locks(world: World) -> None:
    app = make_app(world, idle=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world, "clerk")
        assert isinstance(app.screen, HomeScreen)
        for _ in range(30):  # the idle check runs every second: locked within 1.5 s
            if isinstance(app.screen, LoginScreen):
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert SV("ui.lock.idle") in text_of(app, "#login-message")


async def test_lock_key_locks(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world, "clerk")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.ctx.session.operator is None


async def test_r9_limited_login_says_blocking_only_and_shows_the_cached_list_problems(
    world: World,
) -> None:
    from tests.support.ui_world import limit_logins_by_outdated_list

    limit_logins_by_outdated_list(world)
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world, "clerk")
        assert isinstance(app.screen, HomeScreen)
        assert app.ctx.session.operator.blocking_only
        assert "Clara Kvist (bara spärr)" in text_of(app, "#status-bar")
        notices = text_of(app, "#home-notices")
        assert notices.startswith("Inloggad endast för spärr: Spärrlistan från")
        assert SV("error.crl.unparsable") in notices  # the damaged cached list


class _Stopwatch:
    """The idle lock's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


async def test_idle_lock_warns_30_seconds_before_and_a_key_keeps_the_session(
    world: World,
) -> None:
    watch = _Stopwatch()
    app = make_app(world, idle=300.0, monotonic=watch)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world, "clerk")
        warning = SV("ui.lock.idle_warning", seconds=30)
        watch.seconds += 269
        await app.check_idle_lock()
        assert warning not in app.notices
        watch.seconds += 2  # 29 s left: warned once, still logged in
        await app.check_idle_lock()
        await app.check_idle_lock()
        assert app.notices.count(warning) == 1
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("shift")  # any key keeps the session
        watch.seconds += 290
        await app.check_idle_lock()
        assert isinstance(app.screen, HomeScreen)
        assert app.notices.count(warning) == 2  # warned again before the new deadline
        watch.seconds += 11
        await app.check_idle_lock()
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert SV("ui.lock.idle") in text_of(app, "#login-message")

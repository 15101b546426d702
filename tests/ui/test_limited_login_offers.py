"""A login limited to blocking cards (R9: an outdated revocation list or roster) is offered,
in the F1 help and in the command palette, only the workflows it may run
(``kiosk.services.workflows.permissions`` decides), in the demo app as ``kiosk demo``
builds it. The demo has no outdated list, so its clerk's verified login reaches the app
limited, as the login service reports such a login (``LoggedInOperator.limited_key``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from textual.command import CommandList

from clock import FixedClock
from kiosk.i18n import Catalogue
from kiosk.services.workflows.permissions import WORKFLOW_ACTIONS, workflow_permitted
from screens.app import KioskApp
from screens.help import HelpScreen
from screens.messages import LoggedIn
from tests.ui.helpers import demo_app, plain, settle, type_text, wait_ready

SV = Catalogue("sv")
LIMITED_BY_ROSTER = "notice.login.limited_roster"


async def _limited_login(pilot: Any, app: KioskApp) -> None:
    await wait_ready(pilot, app)
    await pilot.press("f9", "o", "escape")  # the demo clerk's card in the operator reader
    await settle(pilot)
    await type_text(pilot, "123456")
    await pilot.press("enter")
    await settle(pilot)
    verified = app.ctx.session.operator
    assert verified is not None and not verified.blocking_only
    await pilot.press("ctrl+l")  # locked again: the login screen posts the next login
    await settle(pilot)
    app.post_message(LoggedIn(dataclasses.replace(verified, limited_key=LIMITED_BY_ROSTER)))
    await settle(pilot)
    logged_in = app.ctx.session.operator
    assert logged_in is not None and logged_in.blocking_only


def _split_by_permission(app: KioskApp) -> tuple[set[str], set[str]]:
    """The workflow titles this login may run, and those it may not."""
    logged_in = app.ctx.session.operator
    assert logged_in is not None
    allowed, refused = set(), set()
    for name in WORKFLOW_ACTIONS:
        title = SV(f"workflows.cmd.{name}")
        (allowed if workflow_permitted(logged_in.operator, name) else refused).add(title)
    assert SV("workflows.cmd.block") in allowed and SV("workflows.cmd.activation") in refused
    return allowed, refused


async def test_r9_limited_login_help_lists_only_the_workflows_it_may_run(
    tmp_path: Path, clock: FixedClock
) -> None:
    app = demo_app(tmp_path, clock, SV)
    async with app.run_test(size=(80, 24)) as pilot:
        await _limited_login(pilot, app)
        _, refused = _split_by_permission(app)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = plain(app.screen.query_one("#help-keys").content)
        assert SV("workflows.cmd.block") in shown
        assert [title for title in refused if title in shown] == []


async def test_r9_limited_login_palette_offers_only_the_workflows_it_may_run(
    tmp_path: Path, clock: FixedClock
) -> None:
    app = demo_app(tmp_path, clock, SV)
    async with app.run_test(size=(80, 24)) as pilot:
        await _limited_login(pilot, app)
        allowed, refused = _split_by_permission(app)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.pause(0.3)
        options = app.screen.query_one(CommandList)
        shown = [plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        offered = {title for title in allowed | refused if any(title in s for s in shown)}
        assert offered == allowed, shown

"""Every key of every screen is listed (footer or F1 help) and means one thing across the
app: a walk through every screen of the demo (login, home, visit, every workflow dialog,
the holder's signature, reprint, manual entry, reason, quit, device panel, lookup, the
day's list, rejected events, pending blocks, card test, the lock) as the clerk.

``MEANINGS`` is the table of key to meaning: the description (catalogue key) each key may
carry. Escape and Enter leave or confirm the dialog on top; their footer says what that
means there, so they carry a family of descriptions. A new screen's key must fit it.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from textual.screen import Screen

from clock import FixedClock
from kiosk.services.ports import ReaderRole
from screens.help import HelpScreen, describe, screen_keys
from screens.key_bar import key_display
from screens.reason import ReasonScreen
from tests.ui.helpers import RecordingApp, plain, settle
from tests.ui.test_receipts_app import (
    SV,
    _activate_asa,
    _app,
    _config,
    _ready_and_logged_in,
)

LEAVE = {
    "ui.key.back",
    "ui.key.cancel",
    "ui.key.close",
    "workflows.key.close",
    "ui.key.end_check",
    "ui.key.quit_no",
    "ui.receipt.key.skip",
    "ui.textual.dismiss_menu",
}
MEANINGS: dict[str, set[str]] = {
    "escape": LEAVE,
    "enter": {"ui.key.quit_yes", "ui.key.reprint"},  # confirm / act on the highlighted row
    "f1": {"ui.key.help"},
    "f2": {"ui.key.visit", "ui.key.visit_for_holder"},
    "f3": {"ui.key.lookup"},
    "f4": {"ui.key.purpose"},
    "f5": {"ui.key.photo_yes"},
    "f6": {"ui.key.photo_no"},
    "f7": {"ui.key.card_test"},
    "f8": {"ui.key.manual"},
    "f9": {"ui.key.devices"},
    "f10": {"ui.key.end_visit"},
    "f11": {"workflows.cmd.activation"},
    "f12": {"ui.key.sync_now"},
    "f13": {"workflows.cmd.order"},
    "shift+f1": {"workflows.cmd.order"},
    "f14": {"workflows.key.record_end"},
    "f17": {"workflows.order.key.photo"},
    "shift+f5": {"workflows.order.key.photo"},
    "f18": {"ui.key.photo_enlarge"},
    "shift+f6": {"ui.key.photo_enlarge"},
    "shift+f2": {"workflows.key.record_end"},
    "f24": {"ui.key.pending_blocks"},
    "shift+f12": {"ui.key.pending_blocks"},
    "ctrl+b": {"workflows.cmd.block", "workflows.key.block"},
    "ctrl+f": {"workflows.key.order_codes"},
    "ctrl+g": {"workflows.cmd.name_change"},
    "ctrl+k": {"workflows.cmd.card_facts"},
    "ctrl+l": {"ui.key.lock"},
    "ctrl+n": {"workflows.cmd.undelivered"},
    "ctrl+o": {"workflows.cmd.unlock"},
    "ctrl+p": {"ui.key.palette"},
    "ctrl+q": {"ui.key.quit"},
    "ctrl+r": {"workflows.cmd.return"},
    "ctrl+s": {  # do the step
        "workflows.key.submit",
        "ui.key.save",
        "ui.key.day_report_pdf",
        "ui.receipt.hand_out.key.accept",
    },
    "ctrl+t": {"ui.key.reveal_personnummer"},
    "ctrl+y": {"workflows.cmd.pin_change"},
    "ctrl+z": {"workflows.key.replacement"},
    # the demo panel's own letters (only there)
    "o": {"ui.key.insert_operator"},
    "c": {"ui.key.insert_customer"},
    "u": {"ui.key.remove_operator"},
    "x": {"ui.key.remove_customer"},
    "s": {"ui.key.scan"},
}


class Walk:
    def __init__(self, app: RecordingApp, pilot: Any) -> None:
        self.app, self.pilot = app, pilot
        self.seen: dict[str, set[str]] = defaultdict(set)  # key -> descriptions
        self.where: dict[tuple[str, str], str] = {}
        self.missing: list[str] = []
        self.screens: list[str] = []

    async def check(self, label: str) -> None:
        """The screen on top: each of its keys in the F1 help, with a catalogue meaning."""
        app = self.app
        screen: Screen[Any] = app.screen
        self.screens.append(f"{label}:{type(screen).__name__}")
        keys = screen_keys(screen)
        await self.pilot.press("f1")
        await settle(self.pilot)
        assert isinstance(app.screen, HelpScreen), label
        shown = plain(app.screen.query_one("#help-keys").content)
        for key, binding in keys:
            description = binding.description
            text = describe(SV, binding)
            self.seen[key].add(description)
            self.where.setdefault((key, description), label)
            if not description or (not SV.has(description) and text == description):
                self.missing.append(f"{label}: {key} ({binding.action}) has no meaning")
                continue
            if f"{key_display(app, binding):>10}  {text}" not in shown:
                self.missing.append(f"{label}: {key} ({binding.action}) not in the help")
        await self.pilot.press("escape")
        await settle(self.pilot)
        assert app.screen is screen, label

    async def leave(self) -> None:
        await self.pilot.press("escape")
        await settle(self.pilot)


async def _walk(tmp_path: Path, clock: FixedClock) -> Walk:
    app = _app(_config(tmp_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        walk = Walk(app, pilot)
        for _ in range(100):
            await settle(pilot, 1)
            if app.ctx.services.ready:
                break
        await walk.check("login")
        await _ready_and_logged_in(pilot, app)
        await walk.check("home")
        await pilot.press("f24")
        await settle(pilot)
        await walk.check("pending blocks")
        await walk.leave()
        await app.run_action("rejected_events")
        await settle(pilot)
        await walk.check("rejected")
        await walk.leave()
        await app.work.open_day_events()
        await settle(pilot)
        await walk.check("day list")
        await walk.leave()
        await app.run_action("reprint_receipt")
        await settle(pilot)
        await walk.check("reprint")
        await walk.leave()
        await pilot.press("f9")
        await settle(pilot)
        await walk.check("device panel")
        await walk.leave()
        await pilot.press("ctrl+q")
        await settle(pilot)
        await walk.check("quit")
        await walk.leave()
        await pilot.press("f3")
        await settle(pilot)
        await walk.check("lookup")
        await walk.leave()
        await pilot.press("f2")
        await settle(pilot)
        app.ctx.services.get().demo.scan("swedish-passport")
        await settle(pilot)
        await walk.check("visit")
        await pilot.press("f8")
        await settle(pilot)
        await walk.check("manual entry")
        await walk.leave()
        await app.push_screen(ReasonScreen(app.ctx))
        await settle(pilot)
        await walk.check("reason")
        app.pop_screen()
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await walk.check("card test")
        await walk.leave()
        for name in (
            "activation",
            "unlock",
            "pin_change",
            "block",
            "undelivered",
            "name_change",
            "return",
        ):
            await app.run_action(f"workflow('{name}')")
            await settle(pilot)
            await walk.check(f"workflow {name}")
            await walk.leave()
        await pilot.press("f10")
        await settle(pilot)
        app.ctx.services.get().demo.insert(ReaderRole.CUSTOMER, "asa-new")
        await settle(pilot)
        await _activate_asa(pilot, app)
        await walk.check("holder signs")
        await walk.leave()
        await pilot.press("ctrl+l")
        await settle(pilot)
        await walk.check("lock")
    return walk


async def test_every_key_is_listed_and_has_one_meaning(tmp_path: Path, clock: FixedClock) -> None:
    walk = await _walk(tmp_path, clock)
    assert len(walk.screens) == 22, walk.screens
    assert walk.missing == []
    unknown = {
        key: sorted(descriptions - MEANINGS.get(key, set()))
        for key, descriptions in walk.seen.items()
        if descriptions - MEANINGS.get(key, set())
    }
    where = {key: [walk.where[(key, d)] for d in ds] for key, ds in unknown.items()}
    assert unknown == {}, where
    two_meanings = {k: sorted(d) for k, d in walk.seen.items() if len(d) > 1 and k != "escape"}
    allowed = {k: sorted(MEANINGS[k]) for k in two_meanings}
    assert all(set(d) <= set(allowed[k]) for k, d in two_meanings.items())

"""Sync now (F12 and the palette) wakes the sync worker; without a central it says so."""

from __future__ import annotations

from dataclasses import replace

from screens.messages import WorkflowDone
from tests.support.ui_world import World, make_app
from tests.ui.helpers import log_in, settle


class Wakes:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


async def test_f12_wakes_the_sync_worker(world: World) -> None:
    wakes = Wakes()
    world.services = replace(world.services, sync_now=wakes)
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")  # locked: nothing happens before login
        assert wakes.count == 0
        await log_in(pilot, world, "clerk")
        await pilot.press("f12")
        await settle(pilot)
        assert wakes.count == 1
        assert any("Synkroniseringen har startat" in n for n in app.notices)


async def test_sync_now_without_a_central_warns(world: World) -> None:
    world.services = replace(world.services, sync_now=None)
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world, "clerk")
        await pilot.press("f12")
        await settle(pilot)
        assert any("Ingen central tjänst" in n for n in app.notices)


async def test_a_committed_workflow_wakes_the_sync_worker_at_once(world: World) -> None:
    wakes = Wakes()
    world.services = replace(world.services, sync_now=wakes, receipts=None)
    app = make_app(world)

    class Done:
        event_id = "event-1"

    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world, "clerk")
        app.post_message(WorkflowDone(Done()))
        await settle(pilot)
        assert wakes.count == 1

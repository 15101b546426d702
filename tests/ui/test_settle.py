"""The pilot helper ``settle``: a worker superseded in an exclusive group is not an error."""

from __future__ import annotations

import asyncio
import threading

from textual.app import App

from tests.ui.helpers import settle


async def test_settle_waits_past_a_worker_cancelled_by_its_exclusive_group() -> None:
    """The app's status refresh is an exclusive worker: a newer refresh cancels an older
    one that ``settle`` may already be waiting on."""
    release = threading.Event()
    ran: list[str] = []
    app: App[None] = App()
    async with app.run_test() as pilot:
        app.run_worker(release.wait, thread=True, group="status", exclusive=True)

        async def supersede() -> None:
            await asyncio.sleep(0.2)
            app.run_worker(lambda: ran.append("newer"), thread=True, group="status", exclusive=True)
            release.set()

        newer = asyncio.create_task(supersede())
        try:
            await settle(pilot)
        finally:
            release.set()
            await newer
        await settle(pilot)
    assert ran == ["newer"]

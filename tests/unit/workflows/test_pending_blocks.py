"""Blocks waiting for the central (R9): the outbox's blocks, oldest first, with their card,
local time, age and why they wait; acknowledged ones leave the list."""

from __future__ import annotations

import datetime as dt

from clock import LOCAL_ZONE
from kiosk.domain.types import BlockReason
from kiosk.services.workflows.blocking import BlockForm, BlockingService
from kiosk.services.workflows.pending_blocks import PendingBlocks
from store.sync import SyncClient, mark_many
from tests.support.world import World, operator


def test_r9_pending_blocks_list_card_age_and_state(world: World) -> None:
    world.card(world.spec("W1", state="active", product_number="711"))
    world.card(world.spec("W2", state="active", product_number="711"))
    blocking = BlockingService(world.services)
    first = blocking.block(operator(), BlockForm("W1", BlockReason.LOST))
    blocking.block(operator(), BlockForm("W2", BlockReason.STOLEN))
    client = SyncClient(store=world.store, journal=world.journal, transport=None)  # type: ignore[arg-type]
    later = world.now + dt.timedelta(minutes=30)
    view = PendingBlocks(client, world.store, lambda: later).view()
    assert view.state == "offline"
    assert [line.serial for line in view.lines] == ["W1", "W2"]
    assert all(line.age == "30m" for line in view.lines)
    assert view.lines[0].occurred_at == world.now.astimezone(LOCAL_ZONE)
    assert view.lines[0].event_type == "card.blocked"
    with world.store.unit_of_work() as session:
        mark_many(session, [("accepted", None, first.event_id)])
    view = PendingBlocks(client, world.store, lambda: later).view()
    assert [line.serial for line in view.lines] == ["W2"]

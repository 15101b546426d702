"""A login limited to blocking (outdated CRL, or a roster without contact with the central):
activation, unlock, PIN change and reorders are refused; blocking is never refused (R9)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.domain.roles import Action, require_not_limited
from kiosk.domain.types import BlockReason
from kiosk.errors import ActionLimitedToBlockingError
from kiosk.services.workflows.blocking import BlockForm
from kiosk.services.workflows.container import build_workflows
from tests.support.world import World, operator


def test_r9_blocking_only_allows_blocking_and_identity_checks() -> None:
    require_not_limited(True, Action.BLOCK)
    require_not_limited(True, Action.IDENTITY_CHECK)
    for action in (Action.ACTIVATE, Action.UNLOCK_WITH_PUK, Action.CHANGE_PIN, Action.REORDER):
        with pytest.raises(ActionLimitedToBlockingError):
            require_not_limited(True, action)
        require_not_limited(False, action)


def test_r9_limited_login_blocks_but_does_not_activate(world: World) -> None:
    flows = build_workflows(
        store=world.store, journal=world.journal, card_opener=world.opener(), clock=world.clock
    )
    world.insert(world.card(world.spec("L1")))
    world.card(world.spec("L2"))
    visit = world.visit()
    limited = replace(visit, operator=replace(visit.operator, blocking_only=True))
    with pytest.raises(ActionLimitedToBlockingError):
        flows.activation.activate(limited, "L1")
    assert world.state("L1") != "active"
    limited_operator = replace(operator(), blocking_only=True)
    flows.blocking.block(limited_operator, BlockForm("L2", BlockReason.LOST))
    assert world.state("L2") == "blocked"

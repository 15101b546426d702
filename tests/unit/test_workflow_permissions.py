"""What the screens offer each operator: the services' answer, from the people table."""

from __future__ import annotations

import dataclasses

from kiosk.domain.roles import Action
from kiosk.domain.types import Role
from kiosk.services.workflows.permissions import (
    WORKFLOW_ACTIONS,
    operator_may,
    workflow_permitted,
)
from tests.support.world import operator


def test_r7_only_an_id_admin_may_order_codes_or_unlock_in_person() -> None:
    clerk, admin = operator(Role.CLERK), operator(Role.ID_ADMIN)
    for action in (Action.ORDER_CODES, Action.UNLOCK_IN_PERSON):
        assert not operator_may(clerk, action)
        assert operator_may(admin, action)
    assert operator_may(clerk, Action.UNLOCK_WITH_PUK)


def test_r9_a_login_limited_to_blocking_may_take_the_block_workflow_only() -> None:
    limited = dataclasses.replace(operator(Role.ID_ADMIN), blocking_only=True)
    offered = {name for name in WORKFLOW_ACTIONS if workflow_permitted(limited, name)}
    assert offered == {"block", "card_facts"}
    assert operator_may(limited, Action.BLOCK) and operator_may(limited, Action.IDENTITY_CHECK)
    assert not operator_may(limited, Action.REORDER)


def test_clerk_and_id_admin_take_every_counter_workflow() -> None:
    for role in (Role.CLERK, Role.ID_ADMIN):
        assert all(workflow_permitted(operator(role), name) for name in WORKFLOW_ACTIONS)

"""What this operator may take at the counter, for the screens to offer only that.

The rule itself lives in ``kiosk.domain.roles`` (the people table and the login limited to
blocking); the services enforce it on every call. Screens ask here which keys to offer,
so a footer never shows what the service would refuse for who is logged in.
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.domain.roles import BLOCKING_ONLY_ACTIONS, Action, may
from kiosk.services.login import Operator

#: The actions each counter workflow (``screens.workflows.launch`` names) performs; it is
#: offered when the operator may take any of them (none: open to every operator, as the
#: card facts a card test asks for).
WORKFLOW_ACTIONS: Mapping[str, frozenset[Action]] = {
    "activation": frozenset({Action.ACTIVATE}),
    "unlock": frozenset({Action.UNLOCK_WITH_PUK, Action.UNLOCK_IN_PERSON}),
    "pin_change": frozenset({Action.CHANGE_PIN}),
    "block": frozenset({Action.BLOCK}),
    "undelivered": frozenset({Action.REORDER}),
    "name_change": frozenset({Action.RECORD_NAME_CHANGE}),
    "return": frozenset({Action.RECORD_RETURN}),
    "order": frozenset({Action.REORDER}),
    "card_facts": frozenset(),
}


def operator_may(operator: Operator, action: Action) -> bool:
    """Whether ``operator``'s role permits ``action`` and their login is not limited to
    blocking cards where ``action`` is anything else (what ``require_role`` and
    ``require_not_limited`` would let pass)."""
    if operator.blocking_only and action not in BLOCKING_ONLY_ACTIONS:
        return False
    return may(operator.role, action)


def workflow_permitted(operator: Operator, workflow: str) -> bool:
    """Whether ``operator`` may take the counter workflow named ``workflow`` at all."""
    actions = WORKFLOW_ACTIONS[workflow]
    return not actions or any(operator_may(operator, action) for action in actions)

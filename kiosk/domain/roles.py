"""Who may do what at the counter (the people table in the rules)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from kiosk.domain.types import Role
from kiosk.domain.words import ROLE_WORDS, Words, word_params
from kiosk.errors import ActionLimitedToBlockingError, ActionNotPermittedError


class Action(StrEnum):
    IDENTITY_CHECK = "identity_check"
    ACTIVATE = "activate"  # R2
    UNLOCK_WITH_PUK = "unlock_with_puk"  # R7: holder types a PUK (code letter or ordered)
    UNLOCK_IN_PERSON = "unlock_in_person"  # R7: 7xx, id-administrator only
    ORDER_CODES = "order_codes"  # R7: order a PUK (7xx) or a new code letter (5xx/6xx/none)
    CHANGE_PIN = "change_pin"  # R8
    BLOCK = "block"  # R9
    REORDER = "reorder"  # R3
    TRACE_SHIPMENT = "trace_shipment"  # R4
    RECORD_NAME_CHANGE = "record_name_change"  # R10
    RECORD_RETURN = "record_return"  # R11
    CARD_TEST = "card_test"  # R13


ACTION_WORDS: Mapping[Action, Words] = {
    Action.IDENTITY_CHECK: ("kontrollera identitet", "check an identity"),
    Action.ACTIVATE: ("aktivera kort", "activate cards"),
    Action.UNLOCK_WITH_PUK: ("låsa upp kort med PUK-kod", "unlock cards with a PUK"),
    Action.UNLOCK_IN_PERSON: (
        "låsa upp kort vid personligt besök",
        "unlock cards in person",
    ),
    Action.ORDER_CODES: ("beställa PUK-kod eller kodbrev", "order PUKs or code letters"),
    Action.CHANGE_PIN: ("byta PIN-kod", "change PINs"),
    Action.BLOCK: ("spärra kort", "block cards"),
    Action.REORDER: ("beställa nytt kort", "reorder cards"),
    Action.TRACE_SHIPMENT: ("spåra försändelser", "trace shipments"),
    Action.RECORD_NAME_CHANGE: ("registrera namnbyte", "record name changes"),
    Action.RECORD_RETURN: ("ta emot återlämnade kort", "take back cards"),
    Action.CARD_TEST: ("testa kort", "test cards"),
}

_ID_ADMIN_ONLY = frozenset({Action.UNLOCK_IN_PERSON, Action.ORDER_CODES})

#: Every role's permitted actions: an id-administrator does all a clerk does and more.
PERMISSIONS: Mapping[Role, frozenset[Action]] = {
    Role.CLERK: frozenset(Action) - _ID_ADMIN_ONLY,
    Role.ID_ADMIN: frozenset(Action),
}


def may(role: Role, action: Action) -> bool:
    return action in PERMISSIONS[role]


def require_role(role: Role, action: Action) -> None:
    """Raise ``ActionNotPermittedError`` unless ``role`` may perform ``action``."""
    if not may(role, action):
        raise ActionNotPermittedError(
            role=role.value,
            action=action.value,
            **word_params("role", ROLE_WORDS[role]),
            **word_params("action", ACTION_WORDS[action]),
        )


#: What a login limited to blocking (outdated CRL, roster without central contact) may do:
#: R9 blocking is never refused, and the identity check that precedes it.
BLOCKING_ONLY_ACTIONS = frozenset({Action.BLOCK, Action.IDENTITY_CHECK})


def require_not_limited(blocking_only: bool, action: Action) -> None:
    """Raise ``ActionLimitedToBlockingError`` for ``action`` in a blocking-only login."""
    if blocking_only and action not in BLOCKING_ONLY_ACTIONS:
        raise ActionLimitedToBlockingError(**word_params("action", ACTION_WORDS[action]))

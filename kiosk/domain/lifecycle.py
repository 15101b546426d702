"""The card lifecycle: states, named transitions and the one table that joins them.

::

    ordered --ship--> shipped --activate--> active --pin_lock--> locked --puk_block--> puk_blocked
                         |                    ^                    |
                         |                    +------unlock--------+
                         +--replace--> replaced   (R3: reorder of an undelivered A-post card)

    block:  ordered | shipped | active | locked | puk_blocked  --> blocked   (R9, R10, R11)
    return: active | locked | puk_blocked                       --> returned  (R11)

``blocked``, ``returned`` and ``replaced`` are final. ``transition`` computes the next state
or raises the ``IllegalTransitionError`` subclass for the current state; it writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.types import CardState
from kiosk.domain.words import STATE_WORDS, Words, word_params
from kiosk.errors import (
    CardIsActiveError,
    CardIsBlockedError,
    CardIsLockedError,
    CardIsOrderedError,
    CardIsPukBlockedError,
    CardIsReplacedError,
    CardIsReturnedError,
    CardIsShippedError,
    IllegalTransitionError,
)


class Transition(StrEnum):
    SHIP = "ship"
    ACTIVATE = "activate"  # R2
    PIN_LOCK = "pin_lock"  # R6: three wrong PINs in a row
    UNLOCK = "unlock"  # R7: PUK or in-person unlock, new PIN set
    PUK_BLOCK = "puk_block"  # all PUK tries used: the card cannot be saved
    BLOCK = "block"  # R9 (and R10/R11 when a deadline passes)
    RETURN = "return"  # R11
    REPLACE = "replace"  # R3: a reorder blocks the undelivered first card


@dataclass(frozen=True, slots=True)
class Move:
    sources: frozenset[CardState]
    target: CardState


_S = CardState
TRANSITIONS: Mapping[Transition, Move] = {
    Transition.SHIP: Move(frozenset({_S.ORDERED}), _S.SHIPPED),
    Transition.ACTIVATE: Move(frozenset({_S.SHIPPED}), _S.ACTIVE),
    Transition.PIN_LOCK: Move(frozenset({_S.ACTIVE}), _S.LOCKED),
    Transition.UNLOCK: Move(frozenset({_S.LOCKED}), _S.ACTIVE),
    Transition.PUK_BLOCK: Move(frozenset({_S.LOCKED}), _S.PUK_BLOCKED),
    Transition.BLOCK: Move(
        frozenset({_S.ORDERED, _S.SHIPPED, _S.ACTIVE, _S.LOCKED, _S.PUK_BLOCKED}), _S.BLOCKED
    ),
    Transition.RETURN: Move(frozenset({_S.ACTIVE, _S.LOCKED, _S.PUK_BLOCKED}), _S.RETURNED),
    Transition.REPLACE: Move(frozenset({_S.SHIPPED}), _S.REPLACED),
}

FINAL_STATES: frozenset[CardState] = frozenset({_S.BLOCKED, _S.RETURNED, _S.REPLACED})

#: Every legal (state, transition) pair with the state it leads to; tests iterate over it.
LEGAL: Mapping[tuple[CardState, Transition], CardState] = {
    (source, name): move.target
    for name, move in TRANSITIONS.items()
    for source in sorted(move.sources)
}

TRANSITION_WORDS: Mapping[Transition, Words] = {
    Transition.SHIP: ("skicka kortet", "send the card"),
    Transition.ACTIVATE: ("aktivera kortet", "activate the card"),
    Transition.PIN_LOCK: ("PIN-låsa kortet", "PIN-lock the card"),
    Transition.UNLOCK: ("låsa upp kortet", "unlock the card"),
    Transition.PUK_BLOCK: ("PUK-spärra kortet", "PUK-block the card"),
    Transition.BLOCK: ("spärra kortet", "block the card"),
    Transition.RETURN: ("ta emot kortet som återlämnat", "take the card back"),
    Transition.REPLACE: ("ersätta kortet med ett nytt", "replace the card with a new one"),
}

_ERROR_BY_STATE: Mapping[CardState, type[IllegalTransitionError]] = {
    _S.ORDERED: CardIsOrderedError,
    _S.SHIPPED: CardIsShippedError,
    _S.ACTIVE: CardIsActiveError,
    _S.LOCKED: CardIsLockedError,
    _S.PUK_BLOCKED: CardIsPukBlockedError,
    _S.BLOCKED: CardIsBlockedError,
    _S.RETURNED: CardIsReturnedError,
    _S.REPLACED: CardIsReplacedError,
}


def is_final(state: CardState) -> bool:
    return state in FINAL_STATES


def allowed_transitions(state: CardState) -> frozenset[Transition]:
    """The actions the card's state allows, for screens that grey out the rest."""
    return frozenset(name for name, move in TRANSITIONS.items() if state in move.sources)


def refused_in_state(state: CardState, action: str, words: Words) -> IllegalTransitionError:
    """The clerk-readable error for an action (named ``action``, described by ``words`` in
    Swedish and English, e.g. ``("aktivera kortet", "activate the card")``) that a card in
    ``state`` does not allow. Returned, not raised."""
    return _ERROR_BY_STATE[state](
        state=state.value,
        action=action,
        **word_params("state", STATE_WORDS[state]),
        **word_params("action", words),
    )


def illegal_transition(state: CardState, action: Transition) -> IllegalTransitionError:
    """The clerk-readable error for ``action`` on a card in ``state`` (not raised)."""
    return refused_in_state(state, action.value, TRANSITION_WORDS[action])


def transition(state: CardState, action: Transition) -> CardState:
    """The state after ``action``; raises the state's ``IllegalTransitionError`` if not allowed."""
    move = TRANSITIONS[action]
    if state not in move.sources:
        raise illegal_transition(state, action)
    return move.target

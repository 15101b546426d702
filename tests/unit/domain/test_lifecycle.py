"""The card lifecycle: every legal and every illegal (state, transition) pair."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.lifecycle import (
    FINAL_STATES,
    LEGAL,
    TRANSITION_WORDS,
    Transition,
    allowed_transitions,
    is_final,
    transition,
)
from kiosk.domain.types import CardState
from kiosk.domain.words import STATE_WORDS
from kiosk.errors import (
    CardIsBlockedError,
    CardIsReplacedError,
    IllegalTransitionError,
)
from kiosk.i18n import Catalogue

S, T = CardState, Transition

#: The lifecycle written out by hand from the rules; the module's table must equal it.
EXPECTED = {
    (S.ORDERED, T.SHIP): S.SHIPPED,
    (S.SHIPPED, T.ACTIVATE): S.ACTIVE,  # R2
    (S.SHIPPED, T.REPLACE): S.REPLACED,  # R3
    (S.ACTIVE, T.PIN_LOCK): S.LOCKED,  # R6
    (S.LOCKED, T.UNLOCK): S.ACTIVE,  # R7
    (S.LOCKED, T.PUK_BLOCK): S.PUK_BLOCKED,
    (S.ORDERED, T.BLOCK): S.BLOCKED,  # R9
    (S.SHIPPED, T.BLOCK): S.BLOCKED,
    (S.ACTIVE, T.BLOCK): S.BLOCKED,
    (S.LOCKED, T.BLOCK): S.BLOCKED,
    (S.PUK_BLOCKED, T.BLOCK): S.BLOCKED,
    (S.ACTIVE, T.RETURN): S.RETURNED,  # R11
    (S.LOCKED, T.RETURN): S.RETURNED,
    (S.PUK_BLOCKED, T.RETURN): S.RETURNED,
}
ALL_PAIRS = list(itertools.product(CardState, Transition))
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in EXPECTED]


def test_table_is_the_lifecycle_from_the_rules() -> None:
    assert dict(LEGAL) == EXPECTED


@pytest.mark.parametrize(("state", "action"), sorted(EXPECTED))
def test_every_legal_transition(state: CardState, action: Transition) -> None:
    assert transition(state, action) is EXPECTED[(state, action)]
    assert action in allowed_transitions(state)


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_every_illegal_transition_raises_naming_state_and_action(
    state: CardState, action: Transition
) -> None:
    with pytest.raises(IllegalTransitionError) as caught:
        transition(state, action)
    error = caught.value
    assert error.params["state"] == state.value
    assert error.params["action"] == action.value
    assert error.hint_key is not None  # what to do next
    assert action not in allowed_transitions(state)
    for lang, index in (("sv", 0), ("en", 1)):
        text = Catalogue(lang).error(error)
        assert "⟨" not in text
        assert TRANSITION_WORDS[action][index] in text


STATE_IN_TEXT = {
    S.ORDERED: ("beställt", "ordered"),
    S.SHIPPED: ("skickat", "sent"),
    S.ACTIVE: ("aktivt", "active"),
    S.LOCKED: ("PIN-låst", "PIN-locked"),
    S.PUK_BLOCKED: ("PUK-kod är spärrad", "PUK is blocked"),
    S.BLOCKED: ("spärrat", "blocked"),
    S.RETURNED: ("återlämnat", "handed back"),
    S.REPLACED: ("ersatts av ett nytt kort", "replaced by a new card"),
}


@pytest.mark.parametrize("state", list(CardState))
def test_each_state_has_its_own_refusal_naming_the_state(state: CardState) -> None:
    action = next(a for a in Transition if (state, a) not in EXPECTED)
    with pytest.raises(IllegalTransitionError) as caught:
        transition(state, action)
    assert caught.value.key == f"error.card.illegal.{state.value}"
    sv = Catalogue("sv")(caught.value.key, **caught.value.params)
    en = Catalogue("en")(caught.value.key, **caught.value.params)
    assert STATE_IN_TEXT[state][0] in sv
    assert STATE_IN_TEXT[state][1] in en
    assert caught.value.params["state_sv"] == STATE_WORDS[state][0]


def test_final_states_allow_nothing() -> None:
    assert {S.BLOCKED, S.RETURNED, S.REPLACED} == FINAL_STATES
    for state in FINAL_STATES:
        assert is_final(state)
        assert allowed_transitions(state) == frozenset()
    assert not is_final(S.ACTIVE)


def test_r3_replaced_card_refusal_says_cut_it_up() -> None:
    with pytest.raises(CardIsReplacedError) as caught:
        transition(S.REPLACED, T.ACTIVATE)
    assert "Klipp sönder" in Catalogue("sv").error(caught.value)
    assert "Cut the card up" in Catalogue("en").error(caught.value)


def test_r9_blocked_card_cannot_be_activated() -> None:
    with pytest.raises(CardIsBlockedError):
        transition(S.BLOCKED, T.ACTIVATE)


@given(st.sampled_from(ALL_PAIRS))
def test_transition_either_moves_by_the_table_or_raises(pair: tuple[CardState, Transition]) -> None:
    state, action = pair
    if pair in EXPECTED:
        assert transition(state, action) is EXPECTED[pair]
    else:
        with pytest.raises(IllegalTransitionError):
            transition(state, action)


@given(st.lists(st.sampled_from(list(Transition)), max_size=12))
def test_any_sequence_stays_in_known_states_and_never_leaves_a_final_state(
    actions: list[Transition],
) -> None:
    state = S.ORDERED
    for action in actions:
        before = state
        try:
            state = transition(state, action)
        except IllegalTransitionError:
            assert state == before  # nothing changed
            continue
        assert before not in FINAL_STATES

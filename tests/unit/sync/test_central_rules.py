"""The central's decision per event (pure): roster, roles, block wins."""

from __future__ import annotations

from store.central import rules
from store.central.rules import RosterEntry, decide

ROSTER = {
    "CLK": RosterEntry("CLK", "clerk", "KK-SOLNA"),
    "ADM": RosterEntry("ADM", "id_admin", "KK-SOLNA"),
    "OLD": RosterEntry("OLD", "clerk", "KK-SOLNA", active=False),
}


def test_accepts_clerk_activation_and_sets_state() -> None:
    decision = decide(
        event_type="card.activated",
        operator="CLK",
        payload={"serial": "S1"},
        roster=ROSTER,
        card_state="shipped",
    )
    assert decision == rules.Decision(True, None, "active")


def test_r9_block_wins_over_any_other_card_change() -> None:
    for event_type, payload in (
        ("card.activated", {"serial": "S1", "state": "active"}),
        ("card.returned", {"serial": "S1", "state": "returned"}),
        ("card.pin_changed", {"serial": "S1"}),
        ("card.unlocked_in_person", {"serial": "S1"}),
        ("card.unlocked_with_code_letter", {"serial": "S1"}),
        ("card.pin_locked", {"serial": "S1", "state": "locked"}),
    ):
        decision = decide(
            event_type=event_type,
            operator="ADM",
            payload=payload,
            roster=ROSTER,
            card_state="blocked",
        )
        assert decision == rules.Decision(False, rules.REASON_CARD_BLOCKED), event_type


def test_r9_events_that_leave_a_blocked_card_alone_are_accepted() -> None:
    for event_type, payload in (
        ("order.replacement_card", {"serial": "S1", "holder_id": "H1"}),
        ("card.return_due", {"serial": "S1"}),
        ("card.reordered", {"serial": "S1", "state": "blocked", "replaced_by": "S2"}),
    ):
        decision = decide(
            event_type=event_type,
            operator="CLK",
            payload=payload,
            roster=ROSTER,
            card_state="blocked",
        )
        assert decision.accepted, event_type
        assert decision.card_state in (None, "blocked")


def test_block_of_a_blocked_card_is_accepted() -> None:
    decision = decide(
        event_type="card.blocked",
        operator="CLK",
        payload={"serial": "S1"},
        roster=ROSTER,
        card_state="blocked",
    )
    assert decision.accepted and decision.card_state == "blocked"


def test_operator_must_be_on_roster_and_active() -> None:
    for operator, reason in (
        ("NOBODY", rules.REASON_NOT_ON_ROSTER),
        ("OLD", rules.REASON_NOT_ON_ROSTER),
        (None, rules.REASON_OPERATOR_MISSING),
    ):
        decision = decide(
            event_type="card.blocked",
            operator=operator,
            payload={"serial": "S1"},
            roster=ROSTER,
            card_state=None,
        )
        assert decision == rules.Decision(False, reason)


def test_r7_in_person_unlock_needs_an_id_admin() -> None:
    clerk = decide(
        event_type="card.unlocked_in_person",
        operator="CLK",
        payload={"serial": "S1"},
        roster=ROSTER,
        card_state="active",
    )
    admin = decide(
        event_type="card.unlocked_in_person",
        operator="ADM",
        payload={"serial": "S1"},
        roster=ROSTER,
        card_state="active",
    )
    assert clerk == rules.Decision(False, rules.REASON_ROLE)
    assert admin.accepted
    for event_type in ("order.code_letter", "order.puk_letter"):
        ordered = decide(
            event_type=event_type, operator="CLK", payload={}, roster=ROSTER, card_state=None
        )
        assert ordered == rules.Decision(False, rules.REASON_ROLE)


def test_kiosk_events_need_no_operator() -> None:
    decision = decide(
        event_type="kiosk.started", operator=None, payload={}, roster={}, card_state=None
    )
    assert decision.accepted and decision.card_state is None


def test_payload_state_wins_over_the_event_default() -> None:
    decision = decide(
        event_type="card.reordered",
        operator="CLK",
        payload={"serial": "S1", "state": "blocked"},
        roster=ROSTER,
        card_state="shipped",
    )
    assert decision.card_state == "blocked"


def test_generic_card_event_may_carry_its_state() -> None:
    decision = decide(
        event_type="card.name_changed",
        operator="CLK",
        payload={"card_serial": "S1", "state": "replaced"},
        roster=ROSTER,
        card_state="active",
    )
    assert decision.card_state == "replaced"

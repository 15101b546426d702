"""The central's decision per event (pure): roster, roles, block wins."""

from __future__ import annotations

from central import rules
from central.rules import RosterEntry, decide

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


def test_r10_r11_deadline_sweep_block_needs_no_operator() -> None:
    # the payload markers kiosk/services/workflows/deadlines.py writes for its blocks
    payload = {"serial": "S1", "reason": "not_returned", "source": "deadline_sweep"}
    decision = decide(
        event_type="card.blocked", operator=None, payload=payload, roster=ROSTER, card_state=None
    )
    assert decision == rules.Decision(True, None, "blocked")
    # a logged-in operator who is not on the roster does not stop the automatic block
    decision = decide(
        event_type="card.blocked", operator="NOPE", payload=payload, roster=ROSTER, card_state=None
    )
    assert decision.accepted


def test_r9_everything_else_still_needs_a_roster_operator() -> None:
    cases = (
        ("card.blocked", None, {"serial": "S1"}, rules.REASON_OPERATOR_MISSING),
        ("card.blocked", None, {"serial": "S1", "source": "clerk"}, rules.REASON_OPERATOR_MISSING),
        ("card.blocked", "NOPE", {"serial": "S1"}, rules.REASON_NOT_ON_ROSTER),
        (
            "card.activated",
            None,
            {"serial": "S1", "source": "deadline_sweep"},
            rules.REASON_OPERATOR_MISSING,
        ),
        (
            "card.returned",
            "OLD",
            {"serial": "S1", "source": "deadline_sweep"},
            rules.REASON_NOT_ON_ROSTER,
        ),
        ("order.puk_letter", "CLK", {"serial": "S1"}, rules.REASON_ROLE),
    )
    for event_type, operator, payload, reason in cases:
        decision = decide(
            event_type=event_type,
            operator=operator,
            payload=payload,
            roster=ROSTER,
            card_state="active",
        )
        assert decision == rules.Decision(False, reason), (event_type, operator, payload)


def test_r7_id_admin_events_are_the_ones_the_workflows_write() -> None:
    from kiosk.services.workflows import unlock

    assert {
        unlock.EVENT_UNLOCKED_IN_PERSON,
        unlock.EVENT_ORDER_CODE_LETTER,
        unlock.EVENT_ORDER_PUK_LETTER,
    } == rules.ID_ADMIN_EVENT_TYPES
    for event_type in rules.ID_ADMIN_EVENT_TYPES:
        for role, accepted in (("CLK", False), ("ADM", True)):
            decision = decide(
                event_type=event_type,
                operator=role,
                payload={"serial": "S1"},
                roster=ROSTER,
                card_state="locked",
            )
            assert decision.accepted is accepted, (event_type, role)


def test_sweep_marker_matches_the_workflow_source() -> None:
    """The central trusts the marker the sweep writes; if the sweep stops writing it, fail."""
    import inspect

    from kiosk.services.workflows import deadlines

    source = inspect.getsource(deadlines.DeadlineService.sweep)
    assert '"source": "deadline_sweep"' in source
    assert {"deadline_sweep"} == rules.AUTOMATIC_BLOCK_SOURCES


KISTA_ROSTER = {**ROSTER, "KISTA-ADM": RosterEntry("KISTA-ADM", "id_admin", "KK-KISTA")}
UNLOCK = {
    "serial": "S1",
    "path": "in_person",
    "office_id": "KK-SOLNA",
    "new_pin_verified": True,
    "state": "active",
}


def judge(event_type: str, payload: dict[str, object], operator: str | None = "ADM") -> object:
    return rules.judge(
        event_type=event_type,
        operator=operator,
        payload=payload,
        roster=KISTA_ROSTER,
        card_state="locked",
        kiosk_office="KK-SOLNA",
    )


def test_only_types_kiosks_push_with_a_payload_that_fits_are_judged() -> None:
    assert judge("card.unlocked_in_person", UNLOCK) == rules.Decision(True, None, "active")
    malformed = rules.Decision(False, rules.REASON_MALFORMED)
    # no kiosk writes holder.* or card management's states; a newer kiosk's new type
    for event_type in (
        "holder.updated",
        "card.shipped",
        "card.replaced",
        "card.unlocked",
        "order.pin_letter",
        "card.teleported",
    ):
        assert judge(event_type, {"serial": "S1"}) == malformed, event_type
    assert judge("card.unlocked_in_person", {**UNLOCK, "extra": 1}) == malformed
    assert judge("card.unlocked_in_person", {**UNLOCK, "new_pin_verified": "yes"}) == malformed
    ordered = {
        "serial": "S2",
        "holder_id": "H1",
        "replaces": "S1",
        "photo_date": "not-a-date",
        "photo_office_id": "KK-SOLNA",
        "state": "ordered",
    }
    assert judge("card.ordered", ordered, operator="CLK") == malformed
    assert judge("card.ordered", {**ordered, "photo_date": "2026-02-30"}, "CLK") == malformed
    assert judge("card.ordered", {**ordered, "photo_date": "2026-02-03"}, "CLK").accepted  # type: ignore[attr-defined]


def test_r7_an_id_admin_of_another_office_may_not_act_at_this_kiosk() -> None:
    assert judge("card.unlocked_in_person", UNLOCK, operator="KISTA-ADM") == rules.Decision(
        False, rules.REASON_OTHER_OFFICE
    )
    # the office's own id-administrator may
    assert judge("card.unlocked_in_person", UNLOCK, operator="ADM").accepted  # type: ignore[attr-defined]

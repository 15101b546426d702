"""Receipt facts: built from a journal event and the register; the digest covers them."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.receipts.errors import ReceiptCardUnknownError
from kiosk.receipts.facts import ReceiptFacts, canonical_facts, facts_for_event, receipt_digest
from tests.support.world import (
    CLERK,
    CLERK_NAME,
    KIOSK_ID,
    NAME,
    OFFICE,
    OFFICE_NAME,
    World,
)


def _facts(world: World, event_type: str, payload: dict[str, object]) -> ReceiptFacts:
    event = world.event(event_type, payload)
    with world.store.unit_of_work() as session:
        return facts_for_event(session, world.store.cipher, event, office_id=OFFICE)


def test_facts_come_from_event_and_register(world: World) -> None:
    world.add_card("SE0000000001")
    facts = _facts(world, "card.activated", {"serial": "SE0000000001"})
    assert facts.holder_name == NAME
    assert facts.personnummer_masked == "121212-XXXX"
    assert facts.card_serial == "SE0000000001"
    assert facts.product_number == "712"
    assert facts.office_id == OFFICE and facts.office_name == OFFICE_NAME
    assert facts.operator == CLERK and facts.operator_name == CLERK_NAME
    assert facts.kiosk_id == KIOSK_ID
    assert facts.needs_holder_signature
    assert NAME not in repr(facts)


def test_digest_is_sha256_of_canonical_facts_and_covers_every_identifying_fact(
    world: World,
) -> None:
    world.add_card("SE0000000002")
    facts = _facts(world, "card.returned", {"card_serial": "SE0000000002", "kept": False})
    assert canonical_facts(facts) == canonical_facts(ReceiptFacts.from_dict(facts.to_dict()))
    digest = receipt_digest(facts)
    for name, value in (
        ("holder_name", "Someone Else"),
        ("personnummer_masked", "010101-XXXX"),
        ("card_serial", "SE9"),
        ("event_id", "other"),
        ("occurred_at", "2026-11-28T10:00:00.000000Z"),
        ("operator", "SE2321000016-OP02"),
        ("details", (("kept", True),)),
    ):
        assert receipt_digest(dataclasses.replace(facts, **{name: value})) != digest, name
    # display-only names are not in the digest
    assert receipt_digest(dataclasses.replace(facts, office_name="X", operator_name="Y")) == digest


def test_r11_return_kept_with_reason(world: World) -> None:
    world.add_card("SE0000000003")
    facts = _facts(
        world,
        "card.returned",
        {"serial": "SE0000000003", "kept": True, "keep_reason": "new assignment in the region"},
    )
    assert dict(facts.details) == {"kept": True, "keep_reason": "new assignment in the region"}


def test_r9_block_reason_and_confirmed_duties(world: World) -> None:
    world.add_card("SE0000000004", product_number="512")
    facts = _facts(
        world,
        "card.blocked",
        {"serial": "SE0000000004", "reason": "stolen", "duties": {"telia": True, "police": True}},
    )
    assert dict(facts.details) == {"reason": "stolen", "duty_telia": True, "duty_police": True}
    facts2 = _facts(
        world, "card.blocked", {"serial": "SE0000000004", "reason": "lost", "telia_confirmed": True}
    )
    assert dict(facts2.details) == {"reason": "lost", "duty_telia": True}


def test_r3_reorder_says_cut_up_first_card(world: World) -> None:
    world.add_card("SE0000000005")
    facts = _facts(world, "card.reordered", {"serial": "SE0000000005", "new_serial": "SE77"})
    assert dict(facts.details) == {"cut_up_first_card": True, "new_serial": "SE77"}


def test_unknown_payload_keys_never_reach_the_receipt(world: World) -> None:
    world.add_card("SE0000000006")
    facts = _facts(
        world, "card.unlocked", {"serial": "SE0000000006", "pin": "123456", "puk": "12345678"}
    )
    assert facts.details == ()
    assert b"123456" not in canonical_facts(facts)


def test_event_without_known_card_is_refused(world: World) -> None:
    event = world.event("card.activated", {"serial": "NOPE"})
    with world.store.unit_of_work() as session, pytest.raises(ReceiptCardUnknownError):
        facts_for_event(session, world.store.cipher, event, office_id=OFFICE)


def test_from_dict_rejects_wrong_shapes() -> None:
    with pytest.raises(ValueError):
        ReceiptFacts.from_dict({"v": 1})
    with pytest.raises(ValueError):
        ReceiptFacts.from_dict({"v": 1, "details": {"x": [1]}})


def test_r9_block_with_the_workflows_payload(world: World) -> None:
    world.add_card("SE0000000007", product_number="512")
    facts = _facts(
        world,
        "card.blocked",
        {
            "serial": "SE0000000007",
            "reason": "lost",
            "duties_confirmed": ["police_report", "telia_blocking_line"],
            "holder_name": "must not be read",
            "personnummer": "191212121212",
        },
    )
    assert dict(facts.details) == {"reason": "lost", "duty_telia": True, "duty_police": True}
    assert b"must not be read" not in canonical_facts(facts)


def test_r11_return_kept_event_of_the_workflows(world: World) -> None:
    world.add_card("SE0000000008")
    facts = _facts(world, "card.return_kept", {"serial": "SE0000000008", "reason": "nytt uppdrag"})
    assert dict(facts.details) == {"kept": True, "keep_reason": "nytt uppdrag"}
    assert facts.needs_holder_signature


def test_r7_unlock_method_from_the_event_type(world: World) -> None:
    world.add_card("SE0000000009")
    in_person = _facts(
        world, "card.unlocked_in_person", {"serial": "SE0000000009", "path": "in_person"}
    )
    letter = _facts(world, "card.unlocked_with_code_letter", {"serial": "SE0000000009"})
    assert dict(in_person.details) == {"method": "in_person"}
    assert dict(letter.details) == {"method": "code_letter"}
    assert not in_person.needs_holder_signature


def test_r3_reorder_names_the_new_card_from_replaced_by(world: World) -> None:
    world.add_card("SE0000000010")
    facts = _facts(world, "card.reordered", {"serial": "SE0000000010", "replaced_by": "SE88"})
    assert dict(facts.details) == {"cut_up_first_card": True, "new_serial": "SE88"}


def test_r10_name_change_deadline_on_the_receipt(world: World) -> None:
    world.add_card("SE0000000011")
    facts = _facts(
        world,
        "card.name_change_recorded",
        {"serial": "SE0000000011", "kind": "name_change", "due": "2027-02-28"},
    )
    assert dict(facts.details) == {"deadline": "2027-02-28"}

"""Card facts from the back of the card (R7, R9, R12): where the register lacks the product
number or a reserve card's assurance level, the clerk types it twice; the kiosk checks both
entries before writing, then writes the fact and a ``card.facts_entered`` event naming who
typed what, and the unlock paths (R7) and blocking duties (R9) follow the typed number."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ReceiptConfig
from kiosk.domain.card_facts import entered_assurance_level, entered_product_number
from kiosk.domain.types import AssuranceLevel
from kiosk.errors import (
    CardFactAlreadyKnownError,
    EnteredFactsDifferError,
    InvalidAssuranceLevelError,
    InvalidProductNumberError,
)
from kiosk.receipts.desk import ReceiptDesk
from kiosk.receipts.service import ReceiptIssuer
from kiosk.services.workflows.blocking import BlockingService
from kiosk.services.workflows.card_facts import CardFactsService, TypedTwice
from protocol.event_types import validate
from store.cards import card_record
from tests.support.world import CLERK, OFFICE, World, operator


def test_r7_product_number_typed_twice_must_match_and_be_valid() -> None:
    assert entered_product_number(" 712", "712 ") == "712"
    with pytest.raises(EnteredFactsDifferError):
        entered_product_number("712", "721")
    with pytest.raises(EnteredFactsDifferError):
        entered_product_number("", "")
    with pytest.raises(InvalidProductNumberError):
        entered_product_number("812", "812")
    with pytest.raises(InvalidProductNumberError):
        entered_product_number("71", "71")


def test_r12_assurance_level_typed_twice() -> None:
    assert entered_assurance_level("loa2", "LoA2") is AssuranceLevel.LOA2
    with pytest.raises(EnteredFactsDifferError):
        entered_assurance_level("LoA2", "LoA3")
    with pytest.raises(InvalidAssuranceLevelError):
        entered_assurance_level("LoA4", "LoA4")


def test_r9_r7_product_number_missing_in_the_register_is_typed_and_journaled(
    world: World,
) -> None:
    world.card(world.spec("F701", state="active", product_number=None))
    service = CardFactsService(world.services)
    missing = service.missing("F701")
    assert missing.product_number and not missing.assurance_level
    blocking = BlockingService(world.services)
    assert blocking.preview("F701").needs_telia  # no product number: Telia too (R9)

    done = service.enter(operator(), "F701", product_number=TypedTwice("712", "712"))

    assert not service.missing("F701").any
    assert not blocking.preview("F701").needs_telia  # 7xx: no Telia call (R9)
    ((event_type, payload, _, who),) = world.events()
    assert event_type == "card.facts_entered" and who == CLERK  # who typed it
    assert payload == {
        "serial": "F701",
        "product_number": "712",
        "assurance_level": None,
        "office_id": OFFICE,
        "source": "back_of_card",
    }
    validate(event_type, payload)
    assert done.serial == "F701" and done.state is None


def test_r7_entries_that_differ_write_nothing(world: World) -> None:
    world.card(world.spec("F702", state="active", product_number=None))
    service = CardFactsService(world.services)
    with pytest.raises(EnteredFactsDifferError):
        service.enter(operator(), "F702", product_number=TypedTwice("712", "711"))
    assert service.missing("F702").product_number and world.events() == []


def test_r12_reserve_cards_assurance_level_typed(world: World) -> None:
    world.card(world.spec("F703", state="active", product_number="512", is_reserve=True))
    service = CardFactsService(world.services)
    assert service.missing("F703").assurance_level
    service.enter(operator(), "F703", assurance_level=TypedTwice("LoA2", "loa2"))
    with world.store.unit_of_work() as tx:
        record = card_record(tx, "F703")
    assert record is not None and record.assurance_level == "LoA2"
    assert world.events()[0][1]["assurance_level"] == "LoA2"


def test_what_the_register_has_is_never_retyped(world: World) -> None:
    world.card(world.spec("F704", state="active", product_number="511"))
    service = CardFactsService(world.services)
    assert not service.missing("F704").any
    with pytest.raises(CardFactAlreadyKnownError):
        service.enter(operator(), "F704", product_number=TypedTwice("712", "712"))
    assert world.events() == []


def test_typed_card_facts_get_no_receipt(world: World, tmp_path: Path) -> None:
    """The app asks the receipt desk after every workflow: this event gets none."""
    world.card(world.spec("F705", state="active", product_number=None))
    done = CardFactsService(world.services).enter(
        operator(), "F705", product_number=TypedTwice("611", "611")
    )
    issuer = ReceiptIssuer(
        world.store,
        world.journal,
        office_id=OFFICE,
        config=ReceiptConfig(folder=str(tmp_path), printer=""),
        folder=tmp_path,
    )
    assert ReceiptDesk(issuer).plan(done.event_id) is None

"""Activation (R2, with R1 and R3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kiosk.domain.types import DocumentKind, IdentityDocument, Role
from kiosk.errors import (
    CardIsActiveError,
    CardNotForHolderError,
    DigitalIdRefusedError,
    DocumentExpiredError,
    IdentityCheckMissingError,
    ReplacedCardRefusedError,
    WrongOfficeError,
)
from kiosk.i18n import Catalogue
from kiosk.services.workflows.activation import ActivationService
from kiosk.services.workflows.common import Backend
from kiosk.services.workflows.errors import CardInReaderMismatchError, CardNotOnRecordError
from store.journal import Journal
from tests.support.world import (
    OTHER_HOLDER,
    OTHER_OFFICE,
    OTHER_OFFICE_NAME,
    World,
)


def test_r2_activate_shipped_card_at_photo_office(world: World) -> None:
    world.card(world.spec("S701"))
    done = ActivationService(world.services).activate(world.visit(), "S701")
    assert world.state("S701") == "active"
    events = world.events()
    assert [e[0] for e in events] == ["card.activated"]
    assert events[0][1]["serial"] == "S701" and events[0][3] == "SE2321000016-CLK1"
    assert done.event_id and done.state is not None and done.state.value == "active"


def test_r2_activation_at_other_office_names_the_office(world: World) -> None:
    world.card(world.spec("S702", photo_office_id=OTHER_OFFICE))
    service = ActivationService(world.services)
    decision = service.check(world.visit(), "S702").decision
    assert isinstance(decision.refusal, WrongOfficeError)
    with pytest.raises(WrongOfficeError) as info:
        service.activate(world.visit(), "S702")
    assert OTHER_OFFICE_NAME in Catalogue("sv").error(info.value)
    assert OTHER_OFFICE_NAME in Catalogue("en").error(info.value)
    assert world.state("S702") == "shipped" and world.events() == []


def test_r2_activation_refused_for_another_holders_card(world: World) -> None:
    world.card(world.spec("S703", holder_id=OTHER_HOLDER))
    with pytest.raises(CardNotForHolderError):
        ActivationService(world.services).activate(world.visit(), "S703")
    assert world.events() == []


def test_r3_replaced_card_is_refused_cut_it_up(world: World) -> None:
    world.card(world.spec("S704", state="replaced"))
    with pytest.raises(ReplacedCardRefusedError) as info:
        ActivationService(world.services).activate(world.visit(), "S704")
    text = Catalogue("en").error(info.value).lower()
    assert "blocked" in text and "cut it up" in text and "throw it away" in text
    assert world.state("S704") == "replaced"


def test_r1_activation_needs_identity_check_of_this_visit(world: World) -> None:
    world.card(world.spec("S705"))
    service = ActivationService(world.services)
    with pytest.raises(IdentityCheckMissingError):
        service.activate(world.visit(document=None), "S705")
    with pytest.raises(IdentityCheckMissingError):  # checked but not approved
        service.activate(world.visit(approved=False), "S705")
    with pytest.raises(IdentityCheckMissingError):  # a check from an earlier visit
        service.activate(world.visit(checked_at=world.now - dt.timedelta(days=1)), "S705")
    assert world.state("S705") == "shipped"


def _expired_passport(world: World) -> IdentityDocument:
    return world.expired_passport


def _digital_id(world: World) -> IdentityDocument:
    return world.document(DocumentKind.DIGITAL_ID)  # in date, but never enough (R1)


@pytest.mark.parametrize(
    ("document", "error"),
    [(_expired_passport, DocumentExpiredError), (_digital_id, DigitalIdRefusedError)],
)
def test_r1_activation_refuses_invalid_document(
    world: World, document: Callable[[World], IdentityDocument], error: type[Exception]
) -> None:
    world.card(world.spec("S706"))
    with pytest.raises(error):
        ActivationService(world.services).activate(world.visit(document=document(world)), "S706")


def test_r2_active_card_cannot_be_activated_again(world: World) -> None:
    world.card(world.spec("S707", state="active"))
    with pytest.raises(CardIsActiveError):
        ActivationService(world.services).activate(world.visit(), "S707")


def test_r2_unknown_card_refused(world: World) -> None:
    with pytest.raises(CardNotOnRecordError):
        ActivationService(world.services).activate(world.visit(), "NOPE")


def test_r2_card_in_reader_must_be_the_card(world: World) -> None:
    world.card(world.spec("S708"))
    other = world.card(world.spec("S709"))
    world.insert(other)
    service = ActivationService(world.services, card_opener=world.opener())
    with pytest.raises(CardInReaderMismatchError):
        service.activate(world.visit(), "S708")
    assert world.state("S708") == "shipped"
    world.inserted[:] = []
    made = world.factory.personalise(serial="S708", product="7xx", product_number="701")
    world.insert(made)
    service.activate(world.visit(), "S708")
    assert world.state("S708") == "active"


def test_r2_roles_both_may_activate(world: World) -> None:
    world.card(world.spec("S710"))
    ActivationService(world.services).activate(world.visit(Role.ID_ADMIN), "S710")
    assert world.state("S710") == "active"


class FailingJournal(Journal):
    def append(self, *args: Any, **kwargs: Any) -> Any:
        super().append(*args, **kwargs)
        raise RuntimeError("disk full")


def test_r2_state_change_and_event_in_one_transaction(world: World) -> None:
    world.card(world.spec("S711"))
    journal = FailingJournal("kiosk-unit", world.store.keys, world.store.cipher, clock=world.clock)
    services = Backend(world.store, journal, world.clock)
    with pytest.raises(RuntimeError):
        ActivationService(services).activate(world.visit(), "S711")
    assert world.state("S711") == "shipped"
    assert world.events() == []

"""Activation of a card whose holder chooses the code, on both card backends over the real
stack (pyscard or OpenSC's PKCS#11 module in the worker → pcscd → vpcd → the virtual card):
the code set on the card from its initial code, a wrong initial code with the tries left."""

from __future__ import annotations

import pytest

from devices.virtual.factory import DEFAULT_PIN
from kiosk.services.card import CardAccess, opener_for
from kiosk.services.pkcs11_cards import Pkcs11Cards
from kiosk.services.ports import ReaderRole
from kiosk.services.workflows.activation import ActivationService, HolderCode
from kiosk.services.workflows.errors import WrongInitialCodeError
from tests.integration.pcscd_fixture import InsertCard
from tests.integration.workflows.test_counter_backends import (  # noqa: F401 - fixtures
    access,
    pkcs11_worker,
    verify,
)
from tests.support.world import NEW_PIN, PNR, World

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


def test_r2_holder_sets_the_code_at_activation(
    world: World,
    vpcd_cards: InsertCard,
    access: CardAccess,  # noqa: F811 - the fixture
) -> None:
    serial = "9752269000000062"
    spec = world.spec(serial, holder_chosen_code=True)
    made = world.card(spec, holder_id=PNR, holder_chosen_code=True)
    vpcd_cards(made.card, 1)
    service = ActivationService(world.services, card_opener=opener_for(access, ReaderRole.CUSTOMER))
    assert service.check(world.visit(), serial).holder_chooses_code
    with pytest.raises(WrongInitialCodeError) as info:
        service.activate(world.visit(), serial, HolderCode("999999", NEW_PIN, NEW_PIN))
    # PIV counts the tries; a PKCS#11 token reports only its count-low / final-try flags
    counted = not isinstance(access, Pkcs11Cards)
    assert info.value.tries_left == (2 if counted else None)
    assert not info.value.state.locked
    assert world.state(serial) == "shipped"
    service.activate(world.visit(), serial, HolderCode(DEFAULT_PIN, NEW_PIN, NEW_PIN))
    assert world.state(serial) == "active"
    verify(access, NEW_PIN)
    assert made.card.pin_tries_left == 3
    assert [e[0] for e in world.events()] == ["card.activated"]
    assert NEW_PIN not in repr(world.events()) and DEFAULT_PIN not in repr(world.events())

"""In-person 7xx unlock and 5xx code-letter unlock over the real PC/SC stack: pcscd,
vsmartcard-vpcd and a virtual PIV card in the customer reader."""

from __future__ import annotations

import contextlib

import pytest

from devices.card.errors import PinLockedError, WrongPinError
from devices.card.pcsc import PcscContext
from devices.card.piv import PivSession
from devices.virtual.pcscd import VPCD_READERS
from kiosk.domain.types import Role
from kiosk.services.device_adapters import pcsc_opener
from kiosk.services.workflows.puk import CachedPukSource
from kiosk.services.workflows.unlock import UnlockService
from tests.integration.pcscd_fixture import InsertCard
from tests.support.world import NEW_PIN, World

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

CUSTOMER = VPCD_READERS[1]


def over_pcsc(action: str, pin: str) -> None:
    context = PcscContext()
    try:
        connection = context.connect(CUSTOMER)
        try:
            session = PivSession(connection)
            if action == "verify":
                session.verify_pin(pin)
        finally:
            connection.close()
    finally:
        context.release()


def lock_over_pcsc() -> None:
    """R6: three wrong PINs in a row, typed through pcscd."""
    for _ in range(3):
        with contextlib.suppress(WrongPinError, PinLockedError):
            over_pcsc("verify", "000001")
    with pytest.raises(PinLockedError):
        over_pcsc("verify", "000001")


def service(world: World) -> UnlockService:
    return UnlockService(
        world.services,
        card_opener=pcsc_opener(CUSTOMER),
        puk_source=CachedPukSource(world.store),
    )


def test_r7_in_person_unlock_7xx_over_pcsc(world: World, vpcd_cards: InsertCard) -> None:
    made = world.card(world.spec("E701", state="active", product_number="701"))
    vpcd_cards(made.card, 1)
    lock_over_pcsc()
    assert made.card.pin_tries_left == 0
    done = service(world).unlock_in_person(world.visit(Role.ID_ADMIN), "E701", NEW_PIN, NEW_PIN)
    assert done.state is not None and done.state.value == "active"
    over_pcsc("verify", NEW_PIN)  # the new PIN works through the stack
    assert made.card.pin_tries_left == 3
    assert [e[0] for e in world.events()] == ["card.unlocked_in_person"]
    assert made.puk not in repr(world.events())


def test_r7_code_letter_unlock_5xx_over_pcsc(world: World, vpcd_cards: InsertCard) -> None:
    """Through the app's own ``PcscCards`` port, as the app will wire it."""
    from kiosk.config import ReaderConfig
    from kiosk.services.card import opener_for
    from kiosk.services.device_adapters import PcscCards
    from kiosk.services.ports import ReaderRole

    made = world.card(world.spec("E511", state="active", product_number="511"))
    assert made.code_letter is not None and made.puk in made.code_letter
    vpcd_cards(made.card, 1)
    lock_over_pcsc()
    readers = ReaderConfig()
    access = PcscCards(readers.operator_pattern, readers.customer_pattern)
    unlock = UnlockService(
        world.services,
        card_opener=opener_for(access, ReaderRole.CUSTOMER),
        puk_source=CachedPukSource(world.store),
    )
    unlock.unlock_with_code_letter(world.visit(Role.CLERK), "E511", made.puk, NEW_PIN, NEW_PIN)
    over_pcsc("verify", NEW_PIN)
    assert world.state("E511") == "active"
    assert [e[0] for e in world.events()] == ["card.unlocked_with_code_letter"]

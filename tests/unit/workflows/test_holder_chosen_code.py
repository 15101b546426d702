"""Activation of a card whose holder chooses the code (R2 with R8): the card's initial code,
the new code typed twice and checked against the PIN policy before the card is touched."""

from __future__ import annotations

import pytest

from devices.card.errors import WrongPinError
from devices.card.piv import PivSession
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import DEFAULT_PIN
from kiosk.domain.pin import check_holder_chosen_code
from kiosk.errors import (
    IdentityCheckMissingError,
    InitialCodeMissingError,
    PinNotDigitsError,
    PinRepeatMismatchError,
    PinSameAsCurrentError,
    PinTooSimpleError,
    PinWrongLengthError,
)
from kiosk.i18n import Catalogue
from kiosk.services.workflows.activation import ActivationService, HolderCode
from kiosk.services.workflows.errors import (
    HolderCodeNeededError,
    PinNowLockedError,
    WrongInitialCodeError,
)
from tests.support.world import NEW_PIN, World


def setup(world: World, serial: str) -> tuple[ActivationService, object]:
    made = world.card(world.spec(serial, holder_chosen_code=True), holder_chosen_code=True)
    world.insert(made)
    return ActivationService(world.services, card_opener=world.opener()), made


def test_r8_holder_code_rules() -> None:
    check_holder_chosen_code(DEFAULT_PIN, NEW_PIN, NEW_PIN)
    cases = [
        ("", NEW_PIN, NEW_PIN, InitialCodeMissingError),
        (DEFAULT_PIN, "12a456", "12a456", PinNotDigitsError),
        (DEFAULT_PIN, "27182", "27182", PinWrongLengthError),
        (DEFAULT_PIN, "271828182", "271828182", PinWrongLengthError),
        (DEFAULT_PIN, "444444", "444444", PinTooSimpleError),
        (DEFAULT_PIN, "765432", "765432", PinTooSimpleError),
        (DEFAULT_PIN, NEW_PIN, "271829", PinRepeatMismatchError),
        ("271828", "271828", "271828", PinSameAsCurrentError),
    ]
    for initial, new, repeated, error in cases:
        with pytest.raises(error):
            check_holder_chosen_code(initial, new, repeated)


def test_r2_check_says_the_holder_chooses_the_code(world: World) -> None:
    service, _ = setup(world, "H1")
    check = service.check(world.visit(), "H1")
    assert check.decision.refusal is None and check.holder_chooses_code
    world.card(world.spec("H0"))
    assert not service.check(world.visit(), "H0").holder_chooses_code


def test_r2_activation_sets_the_holders_code_from_the_initial_code(world: World) -> None:
    service, made = setup(world, "H2")
    done = service.activate(world.visit(), "H2", HolderCode(DEFAULT_PIN, NEW_PIN, NEW_PIN))
    assert world.state("H2") == "active" and done.event_id
    piv = PivSession(InProcessConnection(made.card))  # type: ignore[attr-defined]
    piv.verify_pin(NEW_PIN)
    with pytest.raises(WrongPinError):
        piv.verify_pin(DEFAULT_PIN)
    assert [e[0] for e in world.events()] == ["card.activated"]
    journal = repr(world.journal_events())
    assert NEW_PIN not in journal and DEFAULT_PIN not in journal


def test_r2_activation_without_the_holders_code_is_refused(world: World) -> None:
    service, _ = setup(world, "H3")
    with pytest.raises(HolderCodeNeededError):
        service.activate(world.visit(), "H3")
    no_card = ActivationService(world.services)
    with pytest.raises(HolderCodeNeededError):
        no_card.activate(world.visit(), "H3", HolderCode(DEFAULT_PIN, NEW_PIN, NEW_PIN))
    assert world.state("H3") == "shipped" and world.events() == []


def test_r8_policy_before_the_card_nothing_sent(world: World) -> None:
    service, made = setup(world, "H4")
    with pytest.raises(PinTooSimpleError):
        service.activate(world.visit(), "H4", HolderCode(DEFAULT_PIN, "123456", "123456"))
    with pytest.raises(PinRepeatMismatchError):
        service.activate(world.visit(), "H4", HolderCode("000000", NEW_PIN, "271829"))
    # a wrong initial code was never sent: the card still has all its tries
    piv = PivSession(InProcessConnection(made.card))  # type: ignore[attr-defined]
    assert piv.pin_retries() == 3
    assert world.state("H4") == "shipped"


def test_r1_identity_check_before_any_code(world: World) -> None:
    service, made = setup(world, "H5")
    with pytest.raises(IdentityCheckMissingError):
        service.activate(world.visit(document=None), "H5", HolderCode("999999", NEW_PIN, NEW_PIN))
    piv = PivSession(InProcessConnection(made.card))  # type: ignore[attr-defined]
    assert piv.pin_retries() == 3


def test_r6_wrong_initial_code_shows_tries_left_then_locks(world: World) -> None:
    service, _ = setup(world, "H6")
    code = HolderCode("999999", NEW_PIN, NEW_PIN)
    with pytest.raises(WrongInitialCodeError) as info:
        service.activate(world.visit(), "H6", code)
    assert info.value.params["tries_left"] == 2
    sv, en = Catalogue("sv").error(info.value), Catalogue("en").error(info.value)
    assert "2 försök kvar" in sv and "2 tries left" in en
    assert "999999" not in sv + en + repr(info.value) + str(info.value)
    with pytest.raises(WrongInitialCodeError) as info:
        service.activate(world.visit(), "H6", code)
    assert "1 try left" in Catalogue("en").error(info.value)
    with pytest.raises(PinNowLockedError):
        service.activate(world.visit(), "H6", code)
    assert world.state("H6") == "shipped" and world.events() == []


def test_holder_code_repr_hides_codes() -> None:
    code = HolderCode(DEFAULT_PIN, NEW_PIN, NEW_PIN)
    assert DEFAULT_PIN not in repr(code) and NEW_PIN not in repr(code)

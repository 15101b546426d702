"""Refusals are journaled (one ``refusal`` event each) and the day report counts them."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from devices.card.pin import PinState
from devices.virtual.factory import DEFAULT_PIN
from kiosk.domain.types import BlockReason, Role
from kiosk.errors import (
    ActionNotPermittedError,
    CardNotForHolderError,
    PinRepeatMismatchError,
    ReorderTooEarlyError,
    TeliaCallNotConfirmedError,
    UnlockNeedsCodeLetterError,
    WrongOfficeError,
)
from kiosk.reports.day import build_day_report
from kiosk.services.workflows.activation import ActivationService
from kiosk.services.workflows.blocking import BlockForm, BlockingService
from kiosk.services.workflows.errors import CardOfAnotherHolderError, WrongCurrentPinError
from kiosk.services.workflows.pin_change import PinChangeService
from kiosk.services.workflows.refusals import is_rule_refusal
from kiosk.services.workflows.undelivered import UndeliveredService
from kiosk.services.workflows.unlock import UnlockService
from tests.support.world import (
    CLERK,
    NAME,
    NEW_PIN,
    OFFICE,
    OTHER_HOLDER,
    OTHER_OFFICE,
    PNR,
    World,
    local_noon,
    operator,
)


def _report(world: World) -> dict[str, int]:
    report = build_day_report(world.store, day=world.today, office_id=OFFICE)
    return dict(report.refusals)


def _unlock(world: World) -> UnlockService:
    return UnlockService(world.services, card_opener=world.opener(), puk_source=None)  # type: ignore[arg-type]


def test_r2_refused_activation_is_one_refusal_event_without_personal_data(world: World) -> None:
    world.card(world.spec("F1", photo_office_id=OTHER_OFFICE))
    service = ActivationService(world.services)
    assert service.check(world.visit(), "F1").decision.refusal is not None  # Enter: the check
    with pytest.raises(WrongOfficeError):
        service.activate(world.visit(), "F1")  # Ctrl+S: the attempt, same refusal
    refusals = world.refusals()
    assert refusals == [
        {"reason": "error.activation.wrong_office", "action": "activation", "serial": "F1"}
    ]
    text = json.dumps(refusals, ensure_ascii=False)
    assert PNR not in text and NAME not in text
    events = [e for e in world.journal_events() if e.event_type == "refusal"]
    assert [e.operator for e in events] == [CLERK]
    assert world.events() == []  # nothing else was written


def test_refusals_by_rule_are_counted_by_the_day_report(world: World) -> None:
    world.card(world.spec("F2", photo_office_id=OTHER_OFFICE))
    photographed = world.today - dt.timedelta(days=8)
    world.card(world.spec("F3", state="shipped", photo_date=photographed))
    world.card(world.spec("F4", state="active", product_number="511"))
    world.card(world.spec("F5", state="active", product_number="611"))
    world.card(world.spec("F6", holder_id=OTHER_HOLDER))
    with pytest.raises(WrongOfficeError):
        ActivationService(world.services).activate(world.visit(), "F2")
    with pytest.raises(ReorderTooEarlyError):  # R3: 30 days from the photo
        UndeliveredService(world.services).reorder(operator(), "F3")
    with pytest.raises(ActionNotPermittedError):  # R7: a clerk orders no code letter
        _unlock(world).order_code_letter(operator(Role.CLERK), "F4")
    with pytest.raises(UnlockNeedsCodeLetterError):
        _unlock(world).order_puk_letter(operator(Role.ID_ADMIN), "F4")
    with pytest.raises(TeliaCallNotConfirmedError):  # R9: 6xx needs Telia's line confirmed
        BlockingService(world.services).block(operator(), BlockForm("F5", BlockReason.LOST))
    with pytest.raises(CardNotForHolderError):  # R2: shipped to someone else
        ActivationService(world.services).activate(world.visit(), "F6")
    pin_change = PinChangeService(world.services, card_opener=world.opener())
    with pytest.raises(CardOfAnotherHolderError):
        pin_change.change_pin(world.visit(), "F6", DEFAULT_PIN, NEW_PIN, NEW_PIN)
    assert _report(world) == {
        "error.activation.wrong_office": 1,
        "error.reorder.too_early": 1,
        "error.role.not_permitted": 1,
        "error.unlock.code_letter_only": 1,
        "error.block.telia_not_confirmed": 1,
        "error.activation.not_holders_card": 1,
        "error.workflows.other_holder": 1,
    }
    actions = sorted(r["action"] for r in world.refusals())
    assert actions == [
        "activation",
        "activation",
        "block",
        "code_letter_order",
        "pin_change",
        "puk_letter_order",
        "reorder",
    ]
    assert world.state("F5") == "active" and world.events() == []


def test_r8_pin_typos_are_not_refusals(world: World) -> None:
    made = world.card(world.spec("F7", state="active", product_number="511"))
    world.insert(made)
    service = PinChangeService(world.services, card_opener=world.opener())
    with pytest.raises(PinRepeatMismatchError):
        service.change_pin(world.visit(), "F7", DEFAULT_PIN, NEW_PIN, "314159")
    with pytest.raises(WrongCurrentPinError):
        service.change_pin(world.visit(), "F7", "999999", NEW_PIN, NEW_PIN)
    assert world.refusals() == [] and _report(world) == {}


def test_the_same_refusal_again_later_counts_again(world: World) -> None:
    world.clock.set(local_noon(world.today))  # both attempts within the office's day
    world.card(world.spec("F8", photo_office_id=OTHER_OFFICE))
    service = ActivationService(world.services)
    with pytest.raises(WrongOfficeError):
        service.activate(world.visit(), "F8")
    world.clock.advance(dt.timedelta(minutes=11))
    with pytest.raises(WrongOfficeError):
        service.activate(world.visit(), "F8")
    assert _report(world) == {"error.activation.wrong_office": 2}


def test_which_errors_are_rule_refusals() -> None:
    assert is_rule_refusal(WrongOfficeError(office="x"))
    assert is_rule_refusal(ReorderTooEarlyError(from_date="2026-12-01"))
    assert is_rule_refusal(ActionNotPermittedError(role_en="clerk", action_en="order"))
    assert is_rule_refusal(CardOfAnotherHolderError(serial="S"))
    assert not is_rule_refusal(PinRepeatMismatchError())
    assert not is_rule_refusal(WrongCurrentPinError(state=PinState.exact(2)))

"""Reader roles that survive a reboot: at login the reader holding a roster operator's
card becomes the operator reader for the session, the other the customer reader; the name
patterns stay the preference; with operators' cards in both readers the login asks which."""

from __future__ import annotations

import contextlib

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from devices.card.errors import WrongPinError
from devices.card.reader_role import ReaderAssignment, ReaderRoles
from devices.virtual.pki import TestPki
from kiosk.services.card import ReaderSessions
from kiosk.services.device_adapters import InProcessReaders
from kiosk.services.errors import OperatorReaderAmbiguousError, OperatorUnknownError
from kiosk.services.login import LoginService
from kiosk.services.ports import ReaderEvent, ReaderRole
from kiosk.services.store_views import StoreRoster
from kiosk.services.trust import AnchoredTrust
from tests.support.world import ADMIN, CLERK, OFFICE, PNR, World

OP, CU = InProcessReaders.NAMES[ReaderRole.OPERATOR], InProcessReaders.NAMES[ReaderRole.CUSTOMER]


def _service(world: World, pki: TestPki, readers: InProcessReaders) -> LoginService:
    trust = AnchoredTrust(
        [pki.person_ca.cert.public_bytes(Encoding.DER)], [pki.root.public_bytes(Encoding.DER)]
    )
    return LoginService(
        cards=readers,
        trust=trust,
        roster=StoreRoster(world.store),
        clock=world.clock,
        office_id=OFFICE,
        readers=readers,
    )


def _serial(readers: InProcessReaders, role: ReaderRole) -> str | None:
    with contextlib.closing(readers.open(role)) as card:
        return card.card_serial()


def test_operator_card_in_the_customer_pattern_reader_logs_in_and_swaps_the_roles(
    world: World, pki: TestPki
) -> None:
    readers = InProcessReaders()
    events: list[ReaderEvent] = []
    readers.start(events.append, lambda _scan: None)
    clerk = world.factory.personalise(holder_id=CLERK, name="Klara Clerk")
    holder = world.factory.personalise(holder_id=PNR)
    # after a reboot the identical readers swapped names: the operator's card is in the
    # reader the patterns call the customer's
    readers.insert(ReaderRole.CUSTOMER, clerk.card)
    readers.insert(ReaderRole.OPERATOR, holder.card)
    events.clear()

    identity = _service(world, pki, readers).login(clerk.pin)

    assert identity.hsa_id == CLERK
    assert readers.assignment.operator_reader == CU
    assert _serial(readers, ReaderRole.OPERATOR) == clerk.serial
    assert _serial(readers, ReaderRole.CUSTOMER) == holder.serial
    # the app hears the readers again, with their roles for the session
    assert set(events) == {
        ReaderEvent(ReaderRole.OPERATOR, True, CU),
        ReaderEvent(ReaderRole.CUSTOMER, True, OP),
    }


def test_operator_card_alone_in_the_customer_pattern_reader(world: World, pki: TestPki) -> None:
    readers = InProcessReaders()
    clerk = world.factory.personalise(holder_id=CLERK, name="Klara Clerk")
    readers.insert(ReaderRole.CUSTOMER, clerk.card)
    assert _service(world, pki, readers).login(clerk.pin).hsa_id == CLERK
    assert _serial(readers, ReaderRole.OPERATOR) == clerk.serial


def test_the_name_patterns_stay_the_preference_when_no_card_is_an_operators(
    world: World, pki: TestPki
) -> None:
    readers = InProcessReaders()
    stranger = world.factory.personalise(holder_id=PNR)
    readers.insert(ReaderRole.OPERATOR, stranger.card)
    with pytest.raises(OperatorUnknownError):
        _service(world, pki, readers).login(stranger.pin)
    assert readers.assignment.operator_reader is None


def test_two_operators_cards_ask_which_reader_before_any_pin_is_tried(
    world: World, pki: TestPki
) -> None:
    readers = InProcessReaders()
    clerk = world.factory.personalise(holder_id=CLERK, name="Klara Clerk")
    admin = world.factory.personalise(holder_id=ADMIN, name="Id Admin")
    readers.insert(ReaderRole.OPERATOR, clerk.card)
    readers.insert(ReaderRole.CUSTOMER, admin.card)
    service = _service(world, pki, readers)
    with pytest.raises(OperatorReaderAmbiguousError) as refused:
        service.login(admin.pin)
    assert set(refused.value.readers) == {OP, CU}
    assert admin.pin not in str(refused.value)
    with contextlib.closing(readers.open_reader(CU)) as card:
        assert card.pin_state().tries_left == 3  # nothing was sent with the PIN

    identity = service.login(admin.pin, operator_reader=CU)

    assert identity.hsa_id == ADMIN
    assert _serial(readers, ReaderRole.OPERATOR) == admin.serial
    assert _serial(readers, ReaderRole.CUSTOMER) == clerk.serial


def test_a_refused_login_binds_nothing(world: World, pki: TestPki) -> None:
    readers = InProcessReaders()
    clerk = world.factory.personalise(holder_id=CLERK, name="Klara Clerk")
    readers.insert(ReaderRole.CUSTOMER, clerk.card)
    with pytest.raises(WrongPinError):
        _service(world, pki, readers).login("999999")
    assert readers.assignment.operator_reader is None


def test_in_process_readers_are_reader_sessions() -> None:
    assert isinstance(InProcessReaders(), ReaderSessions)


# --- the assignment itself ----------------------------------------------------------------

IDENTICAL = ReaderRoles(operator_pattern="OMNIKEY", customer_pattern="OMNIKEY")
READERS = ["HID OMNIKEY 3121 00 00", "HID OMNIKEY 3121 01 00"]


def test_two_identical_readers_matched_by_both_patterns_get_a_role_each() -> None:
    assignment = ReaderAssignment(IDENTICAL)
    assert assignment.assign(READERS) == {
        ReaderRole.OPERATOR: READERS[0],
        ReaderRole.CUSTOMER: READERS[1],
    }
    assert assignment.role_of(READERS[1], READERS) == ReaderRole.CUSTOMER


def test_a_bound_operator_reader_wins_over_the_patterns() -> None:
    assignment = ReaderAssignment(IDENTICAL)
    changed: list[None] = []
    assignment.on_change(lambda: changed.append(None))
    assignment.bind_operator(READERS[1])
    assignment.bind_operator(READERS[1])  # the same binding again is no change
    assert changed == [None]
    assert assignment.assign(READERS) == {
        ReaderRole.OPERATOR: READERS[1],
        ReaderRole.CUSTOMER: READERS[0],
    }
    assert assignment.role_of(READERS[0], READERS) == ReaderRole.CUSTOMER
    assert assignment.role_of("Other reader", READERS) is None  # not a counter reader


def test_default_patterns_unchanged_without_a_binding() -> None:
    assignment = ReaderAssignment()
    vpcd = ["Virtual PCD 00 01", "Virtual PCD 00 00", "x"]
    assert assignment.assign(vpcd) == ReaderRoles().assign(vpcd)

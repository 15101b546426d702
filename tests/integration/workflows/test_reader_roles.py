"""Reader roles that survive a reboot, over the real stack (pcscd + two vpcd readers of
the same model), on both card backends: the reader with a roster operator's card is the
operator reader for the session whatever its name, and the watcher follows the binding.

The name patterns here match both readers ("Virtual PCD"), as two identical USB readers
would be matched when the counter cannot tell them apart by name."""

from __future__ import annotations

import contextlib
import queue
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from devices.card.errors import WrongPinError
from devices.card.pkcs11_worker import DEFAULT_MODULE, Pkcs11Worker
from devices.card.reader_role import ReaderAssignment, ReaderRoles
from devices.virtual.factory import DEFAULT_PIN
from devices.virtual.pcscd import VPCD_READERS
from kiosk.container import trust_from_certificates
from kiosk.domain.types import Role
from kiosk.services.device_adapters import PcscCards, PcscMonitor, pcsc_opener
from kiosk.services.errors import OperatorReaderAmbiguousError
from kiosk.services.login import LoginService
from kiosk.services.pkcs11_cards import Pkcs11Cards
from kiosk.services.ports import ReaderEvent, ReaderRole
from tests.integration.pcscd_fixture import InsertCard
from tests.support.world import ADMIN, CLERK, PNR, World

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

SAME_MODEL = "Virtual PCD"
FIRST, SECOND = VPCD_READERS
Access = PcscCards | Pkcs11Cards


@pytest.fixture(scope="module")
def pkcs11_worker() -> Iterator[Pkcs11Worker]:
    worker = Pkcs11Worker(DEFAULT_MODULE, timeout=30)
    yield worker
    worker.close()


@pytest.fixture(params=["piv", "pkcs11"])
def access(request: pytest.FixtureRequest, pkcs11_worker: Pkcs11Worker) -> Access:
    assignment = ReaderAssignment(ReaderRoles(SAME_MODEL, SAME_MODEL))
    if request.param == "piv":
        return PcscCards(SAME_MODEL, SAME_MODEL, assignment=assignment)
    return Pkcs11Cards(
        pkcs11_worker,
        SAME_MODEL,
        SAME_MODEL,
        piv_opener=lambda reader: pcsc_opener(reader)(),
        assignment=assignment,
    )


def _login(world: World, access: Access) -> LoginService:
    records = {
        hsa_id: SimpleNamespace(
            hsa_id=hsa_id, name=name, role=role, office_id="KK-SOLNA", active=True
        )
        for hsa_id, name, role in [(CLERK, "Klara", Role.CLERK), (ADMIN, "Ida", Role.ID_ADMIN)]
    }
    roster = SimpleNamespace(find_by_hsa_id=records.get, last_contact=lambda: None)
    return LoginService(
        cards=access,
        trust=trust_from_certificates(world.factory.pki.trust_anchors),
        roster=roster,
        clock=world.clock,
        office_id="KK-SOLNA",
        readers=access,
    )


def _serial(access: Access, role: ReaderRole) -> str | None:
    with contextlib.closing(access.open(role)) as card:
        return card.card_serial()


def test_operator_card_in_the_second_reader_becomes_the_operator_reader(
    world: World, vpcd_cards: InsertCard, access: Access
) -> None:
    clerk = world.factory.personalise(holder_id=CLERK, name="Klara Clerk")
    holder = world.factory.personalise(holder_id=PNR)
    vpcd_cards(holder.card, 0)  # the readers came up the other way round after a reboot
    vpcd_cards(clerk.card, 1)
    assert access.assignment.assign(VPCD_READERS)[ReaderRole.OPERATOR] == FIRST  # patterns
    login = _login(world, access)
    with pytest.raises(WrongPinError):
        login.login("999999")
    assert access.assignment.operator_reader is None  # a refused login binds nothing

    assert login.login(DEFAULT_PIN).hsa_id == CLERK

    assert access.assignment.operator_reader == SECOND
    assert _serial(access, ReaderRole.OPERATOR) == clerk.serial
    assert _serial(access, ReaderRole.CUSTOMER) == holder.serial


def test_both_readers_with_operators_cards_ask_which_is_the_operators(
    world: World, vpcd_cards: InsertCard, access: Access
) -> None:
    clerk = world.factory.personalise(holder_id=CLERK, name="Klara Clerk")
    admin = world.factory.personalise(holder_id=ADMIN, name="Ida Admin")
    vpcd_cards(clerk.card, 0)
    vpcd_cards(admin.card, 1)
    login = _login(world, access)
    with pytest.raises(OperatorReaderAmbiguousError) as asked:
        login.login(DEFAULT_PIN)
    assert set(asked.value.readers) == set(VPCD_READERS)
    assert admin.card.pin_tries_left == 3 and clerk.card.pin_tries_left == 3

    assert login.login(DEFAULT_PIN, operator_reader=SECOND).hsa_id == ADMIN
    assert _serial(access, ReaderRole.OPERATOR) == admin.serial
    assert _serial(access, ReaderRole.CUSTOMER) == clerk.serial


def test_the_reader_watcher_follows_the_login(world: World, vpcd_cards: InsertCard) -> None:
    """The container's wiring: one assignment for the card access and the watcher."""
    assignment = ReaderAssignment(ReaderRoles(SAME_MODEL, SAME_MODEL))
    cards = PcscCards(SAME_MODEL, SAME_MODEL, assignment=assignment)
    monitor = PcscMonitor(SAME_MODEL, SAME_MODEL, None, assignment=assignment)
    clerk = world.factory.personalise(holder_id=CLERK, name="Klara Clerk")
    holder = world.factory.personalise(holder_id=PNR)
    vpcd_cards(holder.card, 0)
    vpcd_cards(clerk.card, 1)
    events: queue.Queue[ReaderEvent] = queue.Queue()
    monitor.start(events.put, lambda _scan: None)
    try:
        _login(world, cards).login(DEFAULT_PIN)
        wanted = {
            ReaderEvent(ReaderRole.OPERATOR, True, SECOND),
            ReaderEvent(ReaderRole.CUSTOMER, True, FIRST),
        }
        seen: set[ReaderEvent] = set()
        while not wanted <= seen:
            seen.add(events.get(timeout=5))
    finally:
        monitor.stop()

"""Offline: the central is unreachable; a block and an in-person unlock are done at the
counter; the central comes back and accepts both (real uvicorn central, PostgreSQL and
SQLite, real kiosk store; the card over the real pcscd + vpcd stack)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

import pytest

from central.service import CentralService
from clock import FixedClock, local_date
from devices.card.errors import PinLockedError, WrongPinError
from devices.card.pcsc import PcscContext
from devices.card.piv import PivSession
from devices.virtual.factory import CardFactory
from devices.virtual.pcscd import VPCD_READERS
from kiosk.domain.types import BlockReason, DocumentKind, IdentityDocument, Role
from kiosk.services.device_adapters import pcsc_opener
from kiosk.services.login import Operator
from kiosk.services.ports import HolderSummary
from kiosk.services.workflows.blocking import BlockForm, BlockingService
from kiosk.services.workflows.common import Backend
from kiosk.services.workflows.errors import PukNotCachedOfflineError
from kiosk.services.workflows.puk import CachedPukSource
from kiosk.services.workflows.unlock import UnlockService
from protocol.puk import seal_puk
from tests.integration.pcscd_fixture import InsertCard
from tests.support.sync_world import ADMIN, CLERK, OFFICE, CentralProcess, Kiosk
from tests.support.world import NEW_PIN, VALID_FOR, visit_with_identity

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

CUSTOMER = VPCD_READERS[1]


def lock_over_pcsc() -> None:
    context = PcscContext()
    try:
        for _ in range(3):
            connection = context.connect(CUSTOMER)
            try:
                with contextlib.suppress(WrongPinError, PinLockedError):
                    PivSession(connection).verify_pin("000001")
            finally:
                connection.close()
    finally:
        context.release()


OFFICE_PUK_KEY = bytes(range(32))  # the office key the kiosk holds outside its database
ORDER_AGE = dt.timedelta(days=119)


def seed(central: CentralService, kiosk: Kiosk, puk: str) -> None:
    """Two active cards of one holder at the central, ordered ``ORDER_AGE`` before the day
    on the central's (the test's) clock, and the 7xx card's PUK."""
    ordered = (local_date(central.clock()) - ORDER_AGE).isoformat()
    central.put_holder(
        holder_id="H-OFF", office_id=OFFICE, data={"personnummer": "191212121212", "name": "T T"}
    )
    central.put_cards(
        {
            "serial": serial,
            "office_id": OFFICE,
            "holder_id": "H-OFF",
            "product_number": number,
            "state": "active",
            "data": {"shipment_method": "a_post", "order_date": ordered},
        }
        for serial, number in (("OFF701", "701"), ("OFF511", "511"))
    )
    # the card-management side releases the 7xx PUK, sealed under the office's key
    ciphertext = seal_puk(OFFICE_PUK_KEY, "OFF701", puk)
    central.put_puk_entry(serial="OFF701", office_id=OFFICE, ciphertext=ciphertext)


def test_offline_block_and_unlock_accepted_when_central_returns(
    central: CentralProcess,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    factory: CardFactory,
    vpcd_cards: InsertCard,
    clock: FixedClock,
) -> None:
    kiosk = kiosk_factory("kiosk-wf")
    made = factory.personalise(serial="OFF701", product="7xx", product_number="701")
    seed(central_service, kiosk, made.puk)
    client = kiosk.client(central.url, timeout=1.0, puk_key=OFFICE_PUK_KEY)
    assert client.run_round().online  # cards, holder and the PUK arrive
    assert kiosk.card_state("OFF701") == "active"

    central.stop()  # the network is gone
    services = Backend(kiosk.store, kiosk.journal, clock)
    puks = CachedPukSource(kiosk.store, refresh=lambda: client.run_round().online)
    now = clock()
    passport = IdentityDocument(DocumentKind.PASSPORT, "SWE", local_date(now) + VALID_FOR)

    # a phone call: block the 5xx card (clerk confirms the Telia call)
    clerk = Operator(CLERK, Role.CLERK, OFFICE)
    form = BlockForm("OFF511", BlockReason.LOST, telia_confirmed=True)
    BlockingService(services).block(clerk, form)
    assert kiosk.card_state("OFF511") == "blocked"

    # in person: unlock the 7xx card with the cached PUK
    vpcd_cards(made.card, 1)
    lock_over_pcsc()
    admin = Operator(ADMIN, Role.ID_ADMIN, OFFICE)
    visit = visit_with_identity(
        admin,
        HolderSummary("H-OFF", "", ""),
        passport,
        started_at=now - dt.timedelta(minutes=1),
        checked_at=now,
    )
    unlock = UnlockService(services, card_opener=pcsc_opener(CUSTOMER), puk_source=puks)
    unlock.unlock_in_person(visit, "OFF701", NEW_PIN, NEW_PIN)
    assert made.card.pin_tries_left == 3

    status = client.status()
    assert not client.run_round().online
    assert client.status().waiting_blocks == 1 and client.status().waiting_events >= 2
    assert status.waiting_blocks == 1
    assert central_service.event_counts("kiosk-wf") == {}

    # an uncached PUK during the outage is refused clearly
    with pytest.raises(PukNotCachedOfflineError):
        puks.puk_for("OFF-UNKNOWN", role=Role.ID_ADMIN)

    central.start()  # the network is back
    report = client.run_round()
    assert report.online and report.rejected == 0, report.rejections
    assert report.accepted == 2
    assert central_service.card_state("OFF511") == "blocked"
    assert central_service.card_state("OFF701") == "active"
    assert kiosk.sync_statuses() == {"accepted": 2}
    types = sorted(e.event_type for e in central_service.events("kiosk-wf"))
    assert types == ["card.blocked", "card.unlocked_in_person"]
    assert kiosk.chain_ok() and central_service.verify_chain("kiosk-wf")


def test_r11_sweep_block_made_offline_is_accepted(
    central: CentralProcess,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    factory: CardFactory,
    clock: FixedClock,
) -> None:
    """The hourly sweep blocks an overdue card during an outage (run while an operator is
    logged in); the block goes first when the central is back and is accepted."""
    from kiosk.services.workflows.returns import ReturnService
    from kiosk.services.workflows.sweep import DeadlineSweep

    kiosk = kiosk_factory("kiosk-sweep")
    made = factory.personalise(serial="OFF701", product="7xx", product_number="701")
    seed(central_service, kiosk, made.puk)
    client = kiosk.client(central.url, timeout=1.0)
    assert client.run_round().online
    backend = Backend(kiosk.store, kiosk.journal, clock)
    clerk = Operator(CLERK, Role.CLERK, OFFICE)
    now = clock()
    ended_on = local_date(now) - dt.timedelta(days=200)  # the return deadline has passed
    ReturnService(backend).record_end(clerk, "OFF701", ended_on)
    central.stop()
    report = DeadlineSweep(backend).sweep(now, operator=CLERK)
    assert report.blocked == ("OFF701",)
    assert not client.run_round().online and client.status().waiting_blocks == 1
    central.start()
    report_sync = client.run_round()
    assert report_sync.online and report_sync.rejected == 0, report_sync.rejections
    assert central_service.card_state("OFF701") == "blocked"
    assert kiosk.sync_statuses() == {"accepted": 2}

"""Card orders on the real stack: an order placed at the counter is pushed with its photo
to a real central process, produced there with ``kiosk central --produce`` and pulled
back with its card number; the photo travels once, only to the office that needs it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from central.service import CentralService
from central.tables import ORDER
from clock import FixedClock
from kiosk.domain.orders import MAX_PHOTO_BYTES, CardKind
from kiosk.domain.types import DocumentKind, IdentityDocument, Role, ShipmentMethod
from kiosk.services.login import Operator
from kiosk.services.ports import HolderSummary
from kiosk.services.visit import Visit
from kiosk.services.workflows.common import Backend
from kiosk.services.workflows.orders import (
    NewHolder,
    OrderPlaced,
    OrderRequest,
    OrderService,
    photo_from_jpeg,
)
from store.holders import add_holder
from store.orders import holder_orders, order_record, photo_jpeg
from store.records import OrderRecord
from tests.support.photos import jpeg_bytes, order_photo
from tests.support.sync_world import CLERK, OFFICE, ROOT, CentralProcess, Kiosk
from tests.support.world import visit_with_identity

pytestmark = pytest.mark.integration

PNR = "191212121212"


def _visit(kiosk: Kiosk, clock: FixedClock, holder_id: str | None) -> Visit:
    now = clock()
    document = IdentityDocument(DocumentKind.PASSPORT, "SWE", now.date() + dt.timedelta(days=900))
    holder = HolderSummary(holder_id, "Tolvan Tolvansson", PNR) if holder_id else None
    visit = visit_with_identity(
        Operator(CLERK, Role.CLERK, kiosk.office_id),
        holder or HolderSummary("nobody", "", ""),
        document,
        started_at=now - dt.timedelta(minutes=5),
        checked_at=now - dt.timedelta(minutes=2),
    )
    if holder is None:
        visit.holder = None
    return visit


def _place(
    kiosk: Kiosk, clock: FixedClock, delivery: ShipmentMethod, *, new_holder: bool = False
) -> OrderPlaced:
    service = OrderService(Backend(kiosk.store, kiosk.journal, clock))
    holder_id = None
    if not new_holder:
        with kiosk.store.unit_of_work() as tx:
            holder_id = add_holder(
                tx, kiosk.store.cipher, personnummer=PNR, name="Tolvan Tolvansson"
            )
    request = OrderRequest(CardKind.ORDINARY, delivery, order_photo(3))
    newcomer = NewHolder("19811278-9873", "Nils Nykomling", "Region Stockholm")
    return service.place(
        _visit(kiosk, clock, holder_id), request, new_holder=newcomer if new_holder else None
    )


def _produce(central: CentralProcess) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "central",
            "--db",
            central.db_url,
            "--field-key",
            str(central.field_key),
            "--produce",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _order(kiosk: Kiosk, order_id: str) -> OrderRecord:
    with kiosk.store.unit_of_work() as tx:
        record = order_record(tx, order_id)
    assert record is not None
    return record


def test_r2_order_pushed_with_photo_produced_and_pulled_back_with_card_number(
    central: CentralProcess,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    clock: FixedClock,
) -> None:
    solna = kiosk_factory("kiosk-solna-1")
    placed = _place(solna, clock, ShipmentMethod.REGISTERED)
    digest = order_photo(3).digest
    report = solna.client(central.url).run_round()
    assert report.online and report.accepted >= 1 and solna.sync_statuses() == {"accepted": 1}
    assert central_service.photo_digests() == {digest}  # the photo, a blob of its own

    printed = _produce(central)
    assert placed.order.order_id in printed and "Rek-id RR" in printed

    solna.client(central.url).run_round()
    order = _order(solna, placed.order.order_id)
    assert order.state == "shipped" and order.card_serial and order.rek_id
    assert order.rek_id.startswith("RR") and order.rek_id.endswith("SE")
    assert solna.card_state(order.card_serial) == "shipped"  # the card, ready for R2
    # a second counter of the office fetches the photo it needs for activation (R2)
    kista_desk = kiosk_factory("kiosk-solna-2")
    kista_desk.client(central.url).run_round()
    with kista_desk.store.unit_of_work() as tx:
        assert photo_jpeg(tx, kista_desk.store.cipher, digest) == order_photo(3).jpeg
        assert [o.card_serial for o in holder_orders(tx, order.holder_id)] == [order.card_serial]
    # a photo travels once: the next round sends nothing again
    assert central_service.photo_digests() == {digest}


def test_order_for_a_new_holder_reaches_the_central_and_another_office_gets_no_photo(
    central: CentralProcess,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    clock: FixedClock,
) -> None:
    solna = kiosk_factory("kiosk-solna-1")
    kista = kiosk_factory("kiosk-kista-1", office_id="KK-KISTA")
    placed = _place(solna, clock, ShipmentMethod.A_POST, new_holder=True)
    solna.client(central.url).run_round()
    holder = central_service.holder_data(placed.order.holder_id)
    assert holder is not None and holder["personnummer"] == "198112789873"
    assert holder["name"] == "Nils Nykomling"
    with central_service.engine.connect() as conn:
        [row] = conn.execute(select(ORDER.c.state, ORDER.c.office_id)).all()
    assert tuple(row) == ("ordered", OFFICE)
    kista.client(central.url).run_round()
    with kista.store.unit_of_work() as tx:
        assert holder_orders(tx, placed.order.holder_id) == []
    answer = httpx.get(
        f"{central.url}/v1/photo",
        params={"kiosk_id": "kiosk-kista-1", "digest": order_photo(3).digest},
        timeout=10,
    )
    assert answer.status_code == 400 and answer.json()["error"] == "no_such_photo"


def test_a_photo_whose_bytes_are_not_its_digest_is_refused(
    central: CentralProcess,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
) -> None:
    kiosk_factory("kiosk-solna-1")
    answer = httpx.post(
        f"{central.url}/v1/photo",
        params={"kiosk_id": "kiosk-solna-1", "digest": order_photo(4).digest},
        content=order_photo(5).jpeg,
        timeout=10,
    )
    assert answer.status_code == 400 and answer.json()["error"] == "photo_digest_mismatch"
    assert central_service.photo_digests() == set()
    # the body limit admits the largest photo the kiosk accepts
    largest = photo_from_jpeg(jpeg_bytes(6, size=MAX_PHOTO_BYTES - 64))
    answer = httpx.post(
        f"{central.url}/v1/photo",
        params={"kiosk_id": "kiosk-solna-1", "digest": largest.digest},
        content=largest.jpeg,
        timeout=10,
    )
    assert answer.status_code == 200 and answer.json() == {"digest": largest.digest, "stored": True}


def test_central_unreachable_the_order_waits_in_the_journal(
    central_factory: Callable[..., CentralProcess],
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    solna = kiosk_factory("kiosk-solna-1")
    placed = _place(solna, clock, ShipmentMethod.A_POST)
    later = central_factory(start=False)
    report = solna.client(later.url, timeout=1.0).run_round()
    assert not report.online and solna.sync_statuses() == {"pending": 1}
    later.start()
    assert solna.client(later.url).run_round().online
    assert solna.sync_statuses() == {"accepted": 1}
    assert central_service.photo_digests() == {order_photo(3).digest}
    assert _order(solna, placed.order.order_id).state == "ordered"

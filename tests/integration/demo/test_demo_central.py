"""The demo's embedded central as ``kiosk demo`` starts it: a real ``kiosk central``
process on loopback with mutual TLS from the demo's test PKI, the demo kiosk syncing with
it, the production loop shipping what the counter orders, and the demo personalising the
ordered card; the process ends with the demo, even when the demo is killed."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from clock import FixedClock, system_clock
from devices.card.cert_fields import certificate_facts
from devices.card.piv import PivSession, Slot
from devices.virtual.card import InProcessConnection
from kiosk.commands.demo import demo_config
from kiosk.config import KioskConfig
from kiosk.container import build_services
from kiosk.demo_central import EmbeddedCentral, start_embedded_central, with_central
from kiosk.demo_production import produced_card_id
from kiosk.domain.orders import CardKind
from kiosk.domain.types import DocumentKind, IdentityDocument, Role, ShipmentMethod
from kiosk.services.context import Services
from kiosk.services.demo_controls import InProcessDemo
from kiosk.services.login import Operator
from kiosk.services.ports import HolderSummary
from kiosk.services.workflows.orders import NewHolder, OrderRequest
from store.database import open_store
from store.keys import load_keys
from store.orders import order_record
from tests.support.photos import order_photo
from tests.support.sync_world import ROOT
from tests.support.world import visit_with_identity

pytestmark = pytest.mark.integration

DEMO_CLERK = "SE2321000016-1001"  # kiosk.demo_cast: the demo's clerk, on the central's roster
NEWCOMER = NewHolder("19811278-9873", "Nils Nykomling", "Region Stockholm")


def wait_for(condition: Callable[[], object], timeout: float = 60.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (ended, not yet reaped by init) counts as ended
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


@pytest.fixture
def demo_central(tmp_path: Path) -> Iterator[tuple[EmbeddedCentral, KioskConfig]]:
    config = demo_config(tmp_path / "demo", "sv")
    central = start_embedded_central(config, system_clock)
    try:
        yield central, with_central(config, central)
    finally:
        central.stop()


def _order(services: Services, clock: FixedClock) -> str:
    now = clock()
    document = IdentityDocument(DocumentKind.PASSPORT, "SWE", now.date() + dt.timedelta(days=900))
    visit = visit_with_identity(
        Operator(DEMO_CLERK, Role.CLERK, services.office_id),
        HolderSummary("nobody", "", ""),
        document,
        started_at=now - dt.timedelta(minutes=5),
        checked_at=now - dt.timedelta(minutes=2),
    )
    visit.holder = None
    request = OrderRequest(CardKind.ORDINARY, ShipmentMethod.A_POST, order_photo(3))
    placed = services.workflows.orders.place(visit, request, new_holder=NEWCOMER)
    return placed.order.order_id


def test_an_order_at_the_demo_counter_becomes_a_virtual_card_to_activate(
    demo_central: tuple[EmbeddedCentral, KioskConfig], clock: FixedClock
) -> None:
    central, config = demo_central
    assert central.wait_started()
    assert central.url.startswith("https://")  # mutual TLS: the kiosk's certificate
    services = build_services(config, clock=clock)
    try:
        demo = services.demo
        assert isinstance(demo, InProcessDemo)
        order_id = _order(services, clock)
        kiosk_config = config  # what the kiosk opened: its store, read beside it
        store = open_store(
            kiosk_config.resolved_database_url,
            load_keys(kiosk_config.resolved_key_file),
        )

        def shipped_serial() -> str | None:
            services.sync_now()
            with store.unit_of_work() as tx:
                record = order_record(tx, order_id)
            assert record is not None
            return record.card_serial if record.state == "shipped" else None

        serial = str(wait_for(shipped_serial))
        assert serial.startswith("97522691") and len(serial) == 16
        wait_for(lambda: produced_card_id(serial) in {c.item_id for c in demo.cards()})
        item = next(c for c in demo.cards() if c.item_id == produced_card_id(serial))
        assert "Nils Nykomling" in item.label and serial[-4:] in item.label
        session = PivSession(InProcessConnection(demo.virtual_card(item.item_id)))
        certificate = session.read_certificate(Slot.AUTHENTICATION)
        assert certificate is not None
        facts = certificate_facts([certificate])
        assert facts.card_number == serial
        assert facts.personnummer == "198112789873"
        store.close()
    finally:
        services.close()
    process = central.process
    assert process is not None
    central.stop()
    assert process.poll() is not None  # the central ended with the demo
    log = central.files.log.read_text(errors="replace")
    assert f"card {serial} sent" in log  # its output went to its log file


CHILD = """
import sys, time
from pathlib import Path
from clock import system_clock
from kiosk.commands.demo import demo_config
from kiosk.demo_central import start_embedded_central
central = start_embedded_central(demo_config(Path(sys.argv[1]), "sv"), system_clock)
assert central.wait_started()
print(central.process.pid, flush=True)
time.sleep(600)
"""


def test_the_central_ends_when_the_demo_process_is_killed(tmp_path: Path) -> None:
    demo = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "demo")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert demo.stdout is not None
        central_pid = int(demo.stdout.readline())
        assert pid_alive(central_pid)
        demo.send_signal(signal.SIGKILL)  # no finally, no atexit: the central must notice
        demo.wait()
        wait_for(lambda: not pid_alive(central_pid), timeout=20)
        assert demo.stderr is not None
        assert demo.stderr.read() == b""  # the central said nothing on the demo's terminal
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()

"""Personal data at the central is encrypted at rest (project rule), on PostgreSQL and
SQLite; pulled holders are readable through the kiosk store's own readers; the deadline
sweep's automatic blocks need no operator at a real central."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from central.service import CentralService
from clock import FixedClock, local_date
from store.holders import holder_record
from store.lookup import Lookup
from store.models import Holder
from tests.support.sync_world import CLERK, OFFICE, ORDER_AGE, CentralProcess, Kiosk

pytestmark = pytest.mark.integration

PNR_PUT = "196403121234"
NAME_PUT = "Klara Blindsson"
PNR_EVENT = "197002025555"
NAME_EVENT = "Sixten Krypterad"
PNR_ORDER = "198811113333"
NAME_ORDER = "Vera Ordersdotter"


def _needles() -> list[bytes]:
    needles: list[bytes] = []
    for pnr in (PNR_PUT, PNR_EVENT, PNR_ORDER):
        needles += [pnr.encode(), pnr[2:].encode()]  # 12- and 10-digit forms
    for name in (NAME_PUT, NAME_EVENT, NAME_ORDER):
        needles += [name.encode(), *(part.encode() for part in name.split())]
    # PostgreSQL renders bytea as hex: a clear value in a binary column shows up so
    return needles + [n.hex().encode() for n in needles]


def _dump(central_db: str, service: CentralService) -> bytes:
    """The whole central database: the SQLite file and its WAL, or every table's rows."""
    if central_db.startswith("sqlite"):
        path = Path(central_db.removeprefix("sqlite:///"))
        parts = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        return b"".join(p.read_bytes() for p in parts if p.exists())
    chunks: list[str] = []
    with service.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()
            chunks += [str(r) for r in rows]
    return "\n".join(chunks).encode()


def test_personal_data_is_encrypted_at_rest_at_the_central(
    central: CentralProcess,
    central_db: str,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
) -> None:
    ordered = (local_date(central_service.clock()) - ORDER_AGE).isoformat()
    central_service.put_holder(
        holder_id="H-PUT",
        office_id=OFFICE,
        data={"personnummer": PNR_PUT, "name": NAME_PUT, "hsa_id": "SE-HSA-1"},
    )
    central_service.put_cards(
        [
            {
                "serial": "SN-ENC-1",
                "office_id": OFFICE,
                "holder_id": "H-PUT",
                "product_number": "511",
                "state": "active",
                "data": {"order_date": ordered, "holder_name": NAME_PUT},
            }
        ]
    )
    central_service.put_holder(
        holder_id="H-EV",
        office_id=OFFICE,
        data={"personnummer": PNR_EVENT, "name": NAME_EVENT, "organisation": "Region"},
    )
    kiosk = kiosk_factory("kiosk-enc")
    kiosk.append(
        "card.blocked",
        {
            "serial": "SN-ENC-1",
            "reason": "lost",
            "holder_id": "H-PUT",
            "holder_name": NAME_PUT,
            "personnummer": PNR_PUT,
            "state": "blocked",
        },
    )
    # off its schema: recorded and rejected, its payload stored sealed all the same
    kiosk.append(
        "order.replacement_card",
        {"serial": "SN-ENC-1", "holder_name": NAME_ORDER, "personnummer": PNR_ORDER},
    )
    report = kiosk.client(central.url).run_round()
    assert report.online and report.accepted == 1 and report.rejected == 1, report
    assert kiosk.reasons() == {2: "malformed payload"}

    # the central still works with the data: lookup by blind index, full data, events
    assert central_service.holder_ids_by_personnummer(PNR_PUT) == ["H-PUT"]
    assert central_service.holder_ids_by_personnummer(PNR_EVENT) == ["H-EV"]
    assert central_service.holder_data("H-EV") == {
        "personnummer": PNR_EVENT,
        "name": NAME_EVENT,
        "organisation": "Region",
    }
    blocks = [e for e in central_service.events("kiosk-enc") if e.event_type == "card.blocked"]
    assert blocks[0].payload["personnummer"] == PNR_PUT
    assert central_service.verify_chain("kiosk-enc")

    # the kiosk got the holders and stored them with its own keys: its readers work
    with kiosk.store.unit_of_work() as session:
        rows = {h.id: h for h in session.execute(select(Holder)).scalars()}
        for holder_id, pnr, name in (("H-PUT", PNR_PUT, NAME_PUT), ("H-EV", PNR_EVENT, NAME_EVENT)):
            record = holder_record(kiosk.store.cipher, rows[holder_id])
            assert (record.personnummer, record.name) == (pnr, name)
    lookup = Lookup(kiosk.store)
    try:
        found = lookup.holder_by_personnummer(PNR_EVENT)
        assert found is not None and (found.id, found.name) == ("H-EV", NAME_EVENT)
        assert [h.id for h in lookup.holders_by_name(NAME_PUT.upper())] == ["H-PUT"]
    finally:
        lookup.close()

    central.stop()  # nothing held in memory
    dump = _dump(central_db, central_service)
    assert b"SN-ENC-1" in dump and b"SE-HSA-1" in dump  # the dump does see clear fields
    leaked = [n.decode() for n in _needles() if n in dump]
    assert leaked == []


def test_r10_sweep_block_without_operator_is_accepted_other_events_are_not(
    central: CentralProcess,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
) -> None:
    central_service.put_cards(
        [{"serial": f"SN-SW-{n}", "office_id": OFFICE, "state": "active"} for n in range(1, 4)]
    )
    kiosk = kiosk_factory("kiosk-sweep")
    sweep = {"reason": "not_returned", "source": "deadline_sweep", "state": "blocked"}
    kiosk.append("card.blocked", {"serial": "SN-SW-1", **sweep}, operator=None)
    kiosk.append("card.blocked", {"serial": "SN-SW-2", "reason": "lost"}, operator=None)
    kiosk.append("card.returned", {"serial": "SN-SW-3", "source": "deadline_sweep"}, operator=None)
    kiosk.append("card.returned", {"serial": "SN-SW-3"}, operator=CLERK)
    report = kiosk.client(central.url).run_round()
    assert report.online and report.accepted == 2 and report.rejected == 2, report
    # a "source" marker on a return is no field of card.returned: rejected before the roster
    assert kiosk.reasons() == {2: "operator missing", 3: "malformed payload"}
    assert central_service.card_state("SN-SW-1") == "blocked"
    assert central_service.card_state("SN-SW-2") == "active"
    assert central_service.card_state("SN-SW-3") == "returned"


def test_r10_r11_real_deadline_sweep_block_is_accepted_before_anyone_logs_in(
    central: CentralProcess,
    central_db: str,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    clock: FixedClock,
) -> None:
    """The kiosk's own sweep (operator None) blocks an overdue card; the central
    accepts the block, and stores the holder data the payload carries sealed."""
    import datetime as dt
    import uuid

    from kiosk.services.workflows.common import Backend
    from kiosk.services.workflows.sweep import DeadlineSweep
    from store.holders import new_holder
    from store.models import Card, Deadline, Office

    now = clock()
    today = local_date(now)
    central_service.put_cards(
        [{"serial": "SN-SWEEP", "office_id": OFFICE, "holder_id": "H-SW", "state": "active"}]
    )
    kiosk = kiosk_factory("kiosk-sweeper")
    with kiosk.store.unit_of_work() as session:
        session.add(Office(id=OFFICE, name=OFFICE))
        session.add(
            new_holder(
                kiosk.store.cipher, personnummer=PNR_EVENT, name=NAME_EVENT, holder_id="H-SW"
            )
        )
        session.flush()
        session.add(
            Card(
                serial="SN-SWEEP",
                holder_id="H-SW",
                product_number="511",
                state="active",
                shipment_method="a_post",
                order_date=today - dt.timedelta(days=327),
                updated_at=now,
            )
        )
        session.flush()
        session.add(
            Deadline(
                id=str(uuid.uuid4()),
                card_serial="SN-SWEEP",
                kind="return",
                due_date=today - dt.timedelta(days=27),  # overdue
            )
        )
    backend = Backend(store=kiosk.store, journal=kiosk.journal, clock=clock)
    report = DeadlineSweep(backend).sweep(now)  # nobody logged in
    assert report.blocked == ("SN-SWEEP",)
    result = kiosk.client(central.url).run_round()
    assert result.online and result.accepted == 1 and result.rejected == 0, result
    assert central_service.card_state("SN-SWEEP") == "blocked"
    (event,) = central_service.events("kiosk-sweeper")
    assert event.operator is None and event.payload["source"] == "deadline_sweep"
    assert event.payload["personnummer"] == PNR_EVENT
    central.stop()
    dump = _dump(central_db, central_service)
    assert [n.decode() for n in _needles() if n in dump] == []

"""Card orders at the central: ``order.placed`` applied, the production step, the order
activated with its card (a real temporary SQLite database, events signed like a kiosk's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from central.production import rek_id
from central.service import CentralService
from central.tables import CARD, ORDER
from clock import FixedClock
from tests.support.central_counter import OFFICE, Counter, central_service


@pytest.fixture
def service(tmp_path: Path, clock: FixedClock) -> Iterator[CentralService]:
    with central_service(tmp_path, clock) as svc:
        yield svc


def placed(order_id: str, delivery: str = "a_post", **extra: Any) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "holder_id": "H1",
        "office_id": OFFICE,
        "card_kind": "reserve_loa2",
        "delivery": delivery,
        "with_photo": True,
        "photo_digest": "ab" * 32,
        "photo_office_id": OFFICE,
        "photo_date": "2026-11-02",
        "order_date": "2026-11-02",
        "replaces": None,
        "replaces_order": None,
        "state": "ordered",
        **extra,
    }


def test_rek_id_carries_the_s10_check_digit() -> None:
    assert rek_id(47312482) == "RR473124829SE"  # the UPU example's digits and check
    assert rek_id(1).startswith("RR00000001") and len(rek_id(1)) == 13


def test_r4_production_gives_the_card_number_and_the_rek_id(service: CentralService) -> None:
    counter = Counter(service)
    assert counter.push("order.placed", placed("O1", "registered")) == ["accepted"]
    assert counter.push("order.placed", placed("O2", card_kind="ordinary")) == ["accepted"]
    made = {m.order_id: m for m in service.produce()}
    assert set(made) == {"O1", "O2"}
    assert made["O1"].rek_id is not None and made["O2"].rek_id is None
    assert made["O1"].card_serial != made["O2"].card_serial
    assert service.produce() == []  # nothing ordered is left
    with service.engine.connect() as conn:
        cards = {r.serial: r for r in conn.execute(select(CARD))}
        orders = {r.order_id: r for r in conn.execute(select(ORDER))}
    card = cards[made["O1"].card_serial]
    assert (card.state, card.holder_id, card.office_id) == ("shipped", "H1", OFFICE)
    assert card.data["assurance_level"] == "LoA2" and card.data["is_reserve"] is True
    assert card.data["rek_id"] == made["O1"].rek_id
    assert orders["O1"].state == "shipped" and orders["O1"].card_serial == card.serial
    # the pull brings both to the office's kiosks
    pulled = {(c.entity, c.key) for c in service.pull("k1", 0).changes}
    assert ("order", "O1") in pulled and ("card", card.serial) in pulled


def test_the_order_is_activated_with_its_card(service: CentralService) -> None:
    counter = Counter(service)
    counter.push("order.placed", placed("O3"))
    [made] = service.produce()
    activated = {"serial": made.card_serial, "holder_id": "H1", "office_id": OFFICE}
    assert counter.push("card.activated", {**activated, "state": "active"}) == ["accepted"]
    with service.engine.connect() as conn:
        state, data = conn.execute(
            select(ORDER.c.state, ORDER.c.data).where(ORDER.c.order_id == "O3")
        ).one()
    assert state == "activated" and data["state"] == "activated"


def test_a_registered_holder_is_sealed_at_the_central(service: CentralService) -> None:
    counter = Counter(service)
    newcomer = {"holder_name": "Nils Nykomling", "personnummer": "198112789873"}
    counter.push("order.placed", placed("O4", **newcomer, organisation="Region"))
    holder = service.holder_data("H1")
    assert holder is not None and holder["name"] == "Nils Nykomling"
    assert service.holder_ids_by_personnummer("198112789873") == ["H1"]
    with service.engine.connect() as conn:
        data, sealed = conn.execute(
            select(ORDER.c.data, ORDER.c.personal_enc).where(ORDER.c.order_id == "O4")
        ).one()
    assert "personnummer" not in data and "holder_name" not in data and sealed is None

"""The central's register learns the card facts a clerk typed from the back of the card
(``card.facts_entered``): the product number (R7, R9) and a reserve card's assurance level
(R12) fill in what the register lacked, a value it has is kept, and the kiosks pull it."""

from __future__ import annotations

from typing import Any

from central.service import CentralService
from tests.unit.sync.test_central_service import OFFICE, FakeKiosk, service, statuses

__all__ = ["service"]  # the fixture, shared with the central service tests


def _facts(serial: str, number: str | None, level: str | None = None) -> dict[str, Any]:
    return {
        "serial": serial,
        "product_number": number,
        "assurance_level": level,
        "office_id": OFFICE,
        "source": "back_of_card",
    }


def _card(service: CentralService, cursor: int, serial: str) -> dict[str, Any]:
    (change,) = [
        c for c in service.pull("k1", cursor).changes if c.entity == "card" and c.key == serial
    ]
    return change.data


def test_r7_r9_product_number_typed_at_a_kiosk_fills_in_the_register(
    service: CentralService,
) -> None:
    service.put_cards([{"serial": "N1", "office_id": OFFICE, "state": "active"}])
    kiosk = FakeKiosk(service)
    cursor = service.pull("k1", 0).cursor
    answer = service.push("k1", [kiosk.event("card.facts_entered", _facts("N1", "712"))])
    assert statuses(answer) == ["accepted"]
    card = _card(service, cursor, "N1")
    assert card["product_number"] == "712"
    assert service.card_state("N1") == "active"  # the state stays


def test_r12_reserve_cards_assurance_level_fills_in_the_register(
    service: CentralService,
) -> None:
    service.put_cards([{"serial": "N2", "office_id": OFFICE, "state": "active"}])
    kiosk = FakeKiosk(service)
    cursor = service.pull("k1", 0).cursor
    service.push("k1", [kiosk.event("card.facts_entered", _facts("N2", None, "LoA2"))])
    assert _card(service, cursor, "N2")["data"]["assurance_level"] == "LoA2"


def test_the_registers_own_product_number_is_kept(service: CentralService) -> None:
    kiosk = FakeKiosk(service)
    cursor = service.pull("k1", 0).cursor
    answer = service.push("k1", [kiosk.event("card.facts_entered", _facts("S2", "712"))])
    assert statuses(answer) == ["accepted"]  # recorded, but the register keeps 511
    assert [c for c in service.pull("k1", cursor).changes if c.key == "S2"] == []

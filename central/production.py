"""The central's production step: ordered cards are made and sent.

``kiosk central --db ... --field-key ... --produce`` takes every order in state
``ordered``, gives it a card number (the next from the central's card-number counter),
creates the card (state ``shipped``, at the office where the card is activated: the
photo office, R2), and marks the order ``shipped`` with the card number and, for
registered post, a Rek-id (R4). Kiosks pull both. A card that replaces a first card
(a reorder, R3) names it, and the first card names the new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from central.access import CentralAccess
from central.fields import card_aad, order_aad
from central.tables import CARD, COUNTER, ORDER
from protocol.event_types import EventType

CARD_NUMBER_COUNTER = "card_number"
CARD_NUMBER_PREFIX = "97522691"  # the card numbers this central gives: 16 digits
REK_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
PRODUCED_EVENT = EventType.ORDER_SHIPPED  # the shape of what the step records per order


@dataclass(frozen=True)
class ProducedOrder:
    order_id: str
    card_serial: str
    office_id: str
    rek_id: str | None


def rek_id(number: int) -> str:
    """A registered-post tracking id (UPU S10: ``RR`` + 8 digits + check digit + ``SE``)."""
    digits = f"{number % 100_000_000:08d}"
    check = 11 - sum(int(d) * w for d, w in zip(digits, REK_WEIGHTS, strict=True)) % 11
    check = {10: 0, 11: 5}.get(check, check)
    return f"RR{digits}{check}SE"


def card_data(order: dict[str, Any], order_id: str, rek: str | None) -> dict[str, Any]:
    """The produced card's facts from its order (the fields kiosks read of a card)."""
    kind = str(order.get("card_kind") or "ordinary")
    data: dict[str, Any] = {
        "order_id": order_id,
        "shipment_method": order.get("delivery") or "a_post",
        "rek_id": rek,
        "photo_office_id": order.get("photo_office_id") or order.get("office_id"),
        "photo_date": order.get("photo_date"),
        "order_date": order.get("order_date"),
        "with_photo": bool(order.get("with_photo", True)),
        "is_reserve": kind != "ordinary",
        "assurance_level": {"reserve_loa2": "LoA2", "reserve_loa3": "LoA3"}.get(kind),
        "has_signing_cert": False,  # R5: downloaded by hand when a system needs it
    }
    return {k: v for k, v in data.items() if v is not None}


def set_order_states(
    conn: Connection, access: CentralAccess, order_ids: Sequence[str], state: str
) -> None:
    """Give the orders ``state`` (in the column and in ``data``), each a new change."""
    for order_id in order_ids:
        row = conn.execute(
            select(ORDER.c.data, ORDER.c.personal_enc).where(ORDER.c.order_id == order_id)
        ).first()
        if row is None:
            continue
        data = {**dict(row.data or {}), "state": state}
        access._upsert(conn, ORDER, "order_id", order_id, {"state": state, "data": data})


class ProductionOperations(CentralAccess):
    """Card management's part: making and sending the ordered cards."""

    def produce(self, *, office_id: str | None = None, limit: int = 1000) -> list[ProducedOrder]:
        """Make and send up to ``limit`` ordered cards (of one office when given)."""
        produced: list[ProducedOrder] = []
        with self._write() as conn:
            query = select(ORDER).where(ORDER.c.state == "ordered").order_by(ORDER.c.change_id)
            if office_id is not None:
                query = query.where(ORDER.c.office_id == office_id)
            rows = conn.execute(self._for_update(query.limit(limit))).all()
            for row in rows:
                order_id = str(row.order_id)
                order = self.cipher.join(
                    dict(row.data or {}), row.personal_enc, order_aad(order_id)
                )
                number = self._next_card_number(conn)
                serial = f"{CARD_NUMBER_PREFIX}{number:08d}"
                rek = rek_id(number) if order.get("delivery") == "registered" else None
                data = card_data(order, order_id, rek)
                clear, sealed, _ = self.cipher.split(data, card_aad(serial))
                conn.execute(
                    insert(CARD).values(
                        serial=serial,
                        office_id=str(row.office_id),
                        holder_id=order.get("holder_id"),
                        product_number="701" if not data["is_reserve"] else None,
                        state="shipped",
                        data=clear,
                        personal_enc=sealed,
                        change_id=self._allocate(conn, 1),
                    )
                )
                first = order.get("replaces")
                if isinstance(first, str) and first:
                    self._name_replacement(conn, first, serial)
                shipped = {**order, "state": "shipped", "card_serial": serial}
                if rek is not None:
                    shipped["rek_id"] = rek
                clear, sealed, _ = self.cipher.split(shipped, order_aad(order_id))
                conn.execute(
                    update(ORDER)
                    .where(ORDER.c.order_id == order_id)
                    .values(
                        state="shipped",
                        card_serial=serial,
                        data=clear,
                        personal_enc=sealed,
                        change_id=self._allocate(conn, 1),
                    )
                )
                produced.append(ProducedOrder(order_id, serial, str(row.office_id), rek))
        return produced

    def _name_replacement(self, conn: Connection, first: str, serial: str) -> None:
        row = conn.execute(select(CARD.c.data).where(CARD.c.serial == first)).first()
        if row is None:
            return
        data = {**dict(row.data or {}), "replaced_by_serial": serial}
        conn.execute(
            update(CARD)
            .where(CARD.c.serial == first)
            .values(data=data, change_id=self._allocate(conn, 1))
        )

    def _next_card_number(self, conn: Connection) -> int:
        done = conn.execute(
            update(COUNTER)
            .where(COUNTER.c.name == CARD_NUMBER_COUNTER)
            .values(value=COUNTER.c.value + 1)
            .returning(COUNTER.c.value)
        ).first()
        if done is not None:
            return int(done[0])
        conn.execute(insert(COUNTER).values(name=CARD_NUMBER_COUNTER, value=1))
        return 1

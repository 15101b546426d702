"""The orders whose cards were produced and shipped: the demo makes their virtual cards."""

from __future__ import annotations

from sqlalchemy import select

from store.database import Transaction
from store.models import Order
from store.orders import order_record
from store.records import OrderRecord

_ORDER = Order.__table__  # type: ignore[attr-defined]


def shipped_orders(tx: Transaction) -> list[OrderRecord]:
    """Orders in state ``shipped`` that carry their card number, oldest first."""
    ids = tx.execute(
        select(_ORDER.c.order_id)
        .where(_ORDER.c.state == "shipped", _ORDER.c.card_serial.is_not(None))
        .order_by(_ORDER.c.order_date, _ORDER.c.order_id)
    ).scalars()
    return [record for order_id in ids if (record := order_record(tx, str(order_id)))]

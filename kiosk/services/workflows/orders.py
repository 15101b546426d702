"""The order visit: a card ordered for a holder at the counter (R1, R2, R3, R12).

The identity check comes first (R1: a valid physical document, the clerk confirmed the
likeness). The holder is found, or registered from the document (personnummer or
samordningsnummer, the name, organisation and HSA-id where the holder has one). The
clerk picks the card kind, the delivery (A-post or registered post to the registered
home address) and takes a photo or orders without one. The order, the photo (kept
encrypted, a blob of its own that the event names by digest) and its signed
``order.placed`` event are written in one transaction; the event waits in the journal
until the central answers, like every event.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clock import local_date
from kiosk.domain.orders import (
    MAX_PHOTO_BYTES,
    CardKind,
    OpenOrder,
    OrderPhoto,
    OrderState,
    PhotoNotJpegError,
    PhotoTooLargeError,
    reorder_from,
    require_jpeg,
    require_may_order,
)
from kiosk.domain.personnummer import normalise_personnummer
from kiosk.domain.roles import Action, require_not_limited, require_role
from kiosk.domain.types import ShipmentMethod
from kiosk.errors import IdentityCheckMissingError
from kiosk.services.visit import Visit
from kiosk.services.workflows.common import Backend, card_facts
from kiosk.services.workflows.refusals import journals_refusals
from protocol.event_types import EventType
from store import orders as order_store
from store.cards import holder_cards
from store.database import Transaction
from store.holders import add_holder, holder_id_by_personnummer
from store.records import OrderRecord

EVENT_PLACED = EventType.ORDER_PLACED


def new_order_id() -> str:
    return str(uuid.uuid4())


def photo_from_jpeg(jpeg: bytes) -> OrderPhoto:
    """A photo for the order from JPEG bytes (checked: a whole JPEG, not too large)."""
    require_jpeg(jpeg)
    return OrderPhoto(jpeg, order_store.photo_digest(jpeg))


def photo_from_file(path: str | Path) -> OrderPhoto:
    """A photo imported from a file the clerk names (until the camera comes in)."""
    file = Path(path).expanduser()
    try:
        if file.stat().st_size > MAX_PHOTO_BYTES:
            raise PhotoTooLargeError(limit_kib=MAX_PHOTO_BYTES // 1024)
        jpeg = file.read_bytes()
    except OSError:
        raise PhotoNotJpegError() from None
    return photo_from_jpeg(jpeg)


@dataclass(frozen=True, repr=False)
class NewHolder:
    """A holder not on record, registered from the identity document in the order visit."""

    identity_number: str  # personnummer or samordningsnummer, any of its forms
    name: str
    organisation: str = ""
    hsa_id: str | None = None

    def __repr__(self) -> str:  # no personal data in logs
        return "NewHolder(<personal>)"


@dataclass(frozen=True)
class OrderRequest:
    kind: CardKind
    delivery: ShipmentMethod
    photo: OrderPhoto | None  # None: a card without photo


@dataclass(frozen=True)
class OrderPlaced:
    event_id: str
    order: OrderRecord
    reorder_from: date  # R3: when the holder may ask for a new card if none arrives


class OrderService:
    def __init__(self, services: Backend, *, new_id: Callable[[], str] = new_order_id) -> None:
        self._s = services
        self._new_id = new_id

    @journals_refusals("order")
    def place(
        self, visit: Visit, request: OrderRequest, *, new_holder: NewHolder | None = None
    ) -> OrderPlaced:
        """Order a card for the visit's holder (or for ``new_holder``, registered now).
        Refuses a holder with an active card (or an open order) of the kind."""
        operator = visit.operator
        require_role(operator.role, Action.REORDER)
        require_not_limited(operator.blocking_only, Action.REORDER)
        if new_holder is None:
            visit.require_identity()
        elif visit.identity is None or not visit.identity_done:
            raise IdentityCheckMissingError()
        now = self._s.clock()
        today = local_date(now)
        cipher = self._s.store.cipher
        with self._s.store.unit_of_work() as tx:
            registered: dict[str, Any] = {}
            if new_holder is not None:
                holder_id, registered = self._register(tx, new_holder, today)
            else:
                holder_id = visit.require_holder()
            cards = [card_facts(card) for card in holder_cards(tx, holder_id)]
            open_orders = [
                OpenOrder(CardKind(o.card_kind), OrderState(o.state), o.order_date)
                for o in order_store.holder_orders(tx, holder_id)
            ]
            require_may_order(request.kind, cards, open_orders)
            photo = request.photo
            if photo is not None:
                order_store.put_photo(tx, cipher, jpeg=photo.jpeg, digest=photo.digest, at=now)
            record = OrderRecord(
                order_id=self._new_id(),
                holder_id=holder_id,
                office_id=operator.office_id,
                photo_office_id=operator.office_id if photo is not None else None,
                photo_date=today if photo is not None else None,
                order_date=today,
                card_kind=request.kind.value,
                delivery=request.delivery.value,
                state=OrderState.ORDERED.value,
                rek_id=None,
                card_serial=None,
                photo_digest=photo.digest if photo is not None else None,
                replaces_serial=None,
                replaces_order_id=None,
                updated_at=now,
            )
            order_store.add_order(tx, record)
            event_id = self._s.append(
                tx, operator.hsa_id, EVENT_PLACED, {**placed_payload(record), **registered}
            )
        return OrderPlaced(event_id, record, reorder_date(record))

    def _register(
        self, tx: Transaction, holder: NewHolder, today: date
    ) -> tuple[str, dict[str, Any]]:
        """The holder on record by the identity number, or registered now (the details go
        into the order event, sealed at the central)."""
        cipher = self._s.store.cipher
        pnr = normalise_personnummer(holder.identity_number, today)
        found = holder_id_by_personnummer(tx, cipher, pnr)
        if found is not None:
            return found, {}
        name = " ".join(holder.name.split())
        hsa_id = holder.hsa_id.strip() if holder.hsa_id and holder.hsa_id.strip() else None
        organisation = holder.organisation.strip()
        holder_id = add_holder(
            tx, cipher, personnummer=pnr, name=name, hsa_id=hsa_id, organisation=organisation
        )
        details = {
            "holder_name": name,
            "personnummer": pnr,
            "hsa_id": hsa_id,
            "organisation": organisation,
        }
        return holder_id, details


def reorder_date(order: OrderRecord) -> date:
    return reorder_from(
        with_photo=order.photo_digest is not None,
        photo_date=order.photo_date,
        order_date=order.order_date,
    )


def placed_payload(order: OrderRecord) -> dict[str, Any]:
    """The ``order.placed`` payload of an order (without a registered holder's details)."""
    return {
        "order_id": order.order_id,
        "holder_id": order.holder_id,
        "office_id": order.office_id,
        "card_kind": order.card_kind,
        "delivery": order.delivery,
        "with_photo": order.photo_digest is not None,
        "photo_digest": order.photo_digest,
        "photo_office_id": order.photo_office_id,
        "photo_date": order.photo_date.isoformat() if order.photo_date else None,
        "order_date": order.order_date.isoformat(),
        "replaces": order.replaces_serial,
        "replaces_order": order.replaces_order_id,
        "state": order.state,
    }

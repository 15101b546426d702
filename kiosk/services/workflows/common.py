"""What every workflow service shares: card checks, store helpers, the ``Backend``.

A workflow runs for one operator (``kiosk.services.login.Operator``), usually inside a
customer visit (``kiosk.services.visit.Visit``, which names its operator): the screens
pass the visit they hold to each call; services keep no visit state.

Cards are reached through a ``CardOpener`` (``kiosk.services.card``): a callable that
returns a context manager yielding the customer reader's ``CardSession``. Store access
is one ``unit_of_work`` per state change, with its journal event appended in that same
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from clock import Clock
from kiosk.domain.types import AssuranceLevel, CardFacts, CardState, ShipmentMethod
from kiosk.errors import IllegalTransitionError
from kiosk.services.card import CardOpener, CardSession
from kiosk.services.visit import Visit
from kiosk.services.workflows.errors import (
    CardInReaderMismatchError,
    CardNotOnRecordError,
    CardOfAnotherHolderError,
    NoSerialOnCardError,
)
from kiosk.services.workflows.refusals import RefusalRecorder
from protocol.event_types import EventType
from store.database import Store
from store.journal import Journal
from store.models import Card, Office

# --- cards ------------------------------------------------------------------------------


def serial_in_reader(opener: CardOpener) -> str:
    """The printed serial of the card in the customer reader."""
    with opener() as card:
        serial = card.printed_serial()
    if serial is None:
        raise NoSerialOnCardError()
    return serial


def require_same_card(card: CardSession, serial: str) -> None:
    """The card in the reader must be the card the clerk picked."""
    if card.printed_serial() != serial:
        raise CardInReaderMismatchError(serial=serial)


# --- store ------------------------------------------------------------------------------


def card_facts(row: Card) -> CardFacts:
    return CardFacts(
        serial=row.serial,
        product_number=row.product_number,
        state=CardState(row.state),
        holder_id=row.holder_id,
        shipment_method=ShipmentMethod(row.shipment_method),
        rek_id=row.rek_id,
        photo_office_id=row.photo_office_id,
        photo_date=row.photo_date,
        order_date=row.order_date,
        with_photo=row.with_photo,
        sis_marked=row.sis_marked,
        is_reserve=row.is_reserve,
        assurance_level=AssuranceLevel(row.assurance_level) if row.assurance_level else None,
        has_signing_cert=row.has_signing_cert,
    )


def load_card(session: Session, serial: str) -> Card:
    row = session.get(Card, serial)
    if row is None:
        raise CardNotOnRecordError(serial=serial)
    return row


def require_holders_card(row: Card, visit: Visit) -> None:
    if row.holder_id != visit.require_holder():
        raise CardOfAnotherHolderError(serial=row.serial)


def office_name(session: Session, office_id: str | None) -> str | None:
    if office_id is None:
        return None
    office = session.get(Office, office_id)
    return office.name if office is not None else office_id


def set_state(row: Card, state: CardState, now: dt.datetime) -> None:
    row.state = state.value
    row.updated_at = now


@dataclass
class Backend:
    """The collaborators every workflow service takes (constructor arguments): the local
    store, its journal and the clock. ``append`` writes an event in the caller's
    transaction (``store.unit_of_work()``), with the event time from the clock."""

    store: Store
    journal: Journal
    clock: Clock
    refusals: RefusalRecorder = field(default_factory=RefusalRecorder, repr=False, compare=False)

    def append(
        self,
        session: Session,
        operator: str | None,
        event_type: EventType,
        payload: Mapping[str, Any],
        *,
        priority: int = 1,
    ) -> str:
        event = self.journal.append(
            session,
            event_type=event_type,
            operator=operator,
            payload=dict(payload),
            priority=priority,
            now=self.clock(),
        )
        return event.event_id

    def record_card_state(
        self,
        operator: str | None,
        serial: str,
        event_type: EventType,
        next_state: Callable[[CardState], CardState],
    ) -> None:
        """What the card itself reported (PIN locked, PUK blocked), in a transaction of its
        own: ``next_state``, a rule, gives the record's state from the current one; the new
        state and its event are written unless the rule refuses (the record is already past
        it) or leaves the state as it is."""
        now = self.clock()
        with self.store.unit_of_work() as session:
            row = load_card(session, serial)
            current = CardState(row.state)
            try:
                state = next_state(current)
            except IllegalTransitionError:
                return
            if state is not current:
                set_state(row, state, now)
                self.append(session, operator, event_type, {"serial": serial, "state": state.value})


@dataclass(frozen=True)
class Done:
    """What a workflow did: the journal event, the card's new state, notices to show."""

    event_id: str
    serial: str
    state: CardState | None
    notices: tuple[Any, ...] = field(default=())

"""What every workflow service shares: card checks, store helpers, the ``Backend``.

A workflow runs for one operator (``kiosk.services.login.Operator``), usually inside a
customer visit (``kiosk.services.visit.Visit``, which names its operator): the screens
pass the visit they hold to each call; services keep no visit state.

Cards are reached through a ``CardOpener`` (``kiosk.services.card``): a callable that
returns a context manager yielding the customer reader's ``CardSession``. Store access
is one ``unit_of_work`` per state change, with its journal event appended in that same
transaction; the workflows pass that transaction to the store's data functions
(``store.cards``, ``store.deadlines``, ``store.holders``), which return frozen records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from clock import Clock, local_date
from devices.card.revocation import RevocationListExpiredError
from kiosk.domain.types import AssuranceLevel, CardFacts, CardState, ShipmentMethod
from kiosk.errors import IllegalTransitionError
from kiosk.services.card import CardKey, CardOpener, CardSession
from kiosk.services.errors import CardRevokedError
from kiosk.services.ports import TrustStore
from kiosk.services.visit import Visit
from kiosk.services.workflows.errors import (
    CardInReaderMismatchError,
    CardNotOnRecordError,
    CardOfAnotherHolderError,
    NoSerialOnCardError,
)
from kiosk.services.workflows.refusals import RefusalRecorder
from protocol.event_types import EventType
from store import cards
from store.database import Store, Transaction
from store.journal import Journal
from store.records import CardRecord

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


def require_unrevoked_card(card: CardSession, trust: TrustStore | None, now: dt.datetime) -> None:
    """Activation and unlock: the holder card's authentication certificate is not on its
    CA's cached revocation list, and that list is not past its grace period (a list past
    its nextUpdate but within the grace period lets the work go on). Read before any PIN
    is typed where the workflow can; blocking never asks (R9). No trust store: no check."""
    if trust is None:
        return
    der = card.certificate(CardKey.AUTHENTICATION)
    if not der:
        return
    chain = trust.check_chain(der, now)
    if chain.revoked:
        raise CardRevokedError()
    if chain.revocation_expired:
        due = chain.revocation_next_update
        raise RevocationListExpiredError(
            issuer=chain.revocation_issuer, date=local_date(due).isoformat() if due else ""
        )


# --- store ------------------------------------------------------------------------------


def card_facts(card: CardRecord) -> CardFacts:
    return CardFacts(
        serial=card.serial,
        product_number=card.product_number,
        state=CardState(card.state),
        holder_id=card.holder_id,
        shipment_method=ShipmentMethod(card.shipment_method),
        rek_id=card.rek_id,
        photo_office_id=card.photo_office_id,
        photo_date=card.photo_date,
        order_date=card.order_date,
        with_photo=card.with_photo,
        sis_marked=card.sis_marked,
        is_reserve=card.is_reserve,
        assurance_level=AssuranceLevel(card.assurance_level) if card.assurance_level else None,
        has_signing_cert=card.has_signing_cert,
        holder_chooses_code=card.holder_chosen_code,
    )


def deviations_payload(visit: Visit) -> dict[str, Any]:
    """The identity check's deviations the clerk continued past with a reason, for the
    workflow's journal event (and so its receipt); nothing for a clean check."""
    deviations = visit.overridden_deviations()
    return {"deviations": list(deviations)} if deviations else {}


def load_card(tx: Transaction, serial: str) -> CardRecord:
    record = cards.card_record(tx, serial)
    if record is None:
        raise CardNotOnRecordError(serial=serial)
    return record


def require_holders_card(card: CardRecord, visit: Visit) -> None:
    if card.holder_id != visit.require_holder():
        raise CardOfAnotherHolderError(serial=card.serial)


def office_name(tx: Transaction, office_id: str | None) -> str | None:
    return cards.office_name(tx, office_id)


def set_state(
    tx: Transaction,
    serial: str,
    state: CardState,
    now: dt.datetime,
    *,
    blocked_reason: str | None = None,
) -> None:
    cards.set_card_state(tx, serial, state=state.value, at=now, blocked_reason=blocked_reason)


def touch_card(tx: Transaction, serial: str, now: dt.datetime) -> None:
    """The card's record changed at ``now`` (its state stays)."""
    cards.touch_card(tx, serial, at=now)


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
        tx: Transaction,
        operator: str | None,
        event_type: EventType,
        payload: Mapping[str, Any],
        *,
        priority: int = 1,
    ) -> str:
        event = self.journal.append(
            tx,
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
        with self.store.unit_of_work() as tx:
            current = CardState(load_card(tx, serial).state)
            try:
                state = next_state(current)
            except IllegalTransitionError:
                return
            if state is not current:
                set_state(tx, serial, state, now)
                self.append(tx, operator, event_type, {"serial": serial, "state": state.value})


@dataclass(frozen=True)
class Done:
    """What a workflow did: the journal event, the card's new state, notices to show."""

    event_id: str
    serial: str
    state: CardState | None
    notices: tuple[Any, ...] = field(default=())

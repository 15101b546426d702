"""What every workflow service shares: the visit context, the card port, store helpers.

A workflow runs for one operator (``Operator``), usually inside a customer visit
(``VisitContext``). Screens build the context from the app's session and visit
(``visit_context_from_ui``) and pass it to each call; services keep no visit state.

Cards are reached through a ``CardOpener``: a callable that returns a context manager
yielding a ``WorkflowCard`` (``devices.card.piv.PivSession`` fits it) for the customer
reader. Store access is one ``unit_of_work`` per state change, with its journal event
appended in that same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from clock import Clock
from kiosk.domain.types import (
    AssuranceLevel,
    CardFacts,
    CardState,
    DocumentKind,
    IdentityDocument,
    Role,
    ShipmentMethod,
)
from kiosk.errors import IdentityCheckMissing
from kiosk.services.workflows.errors import (
    CardInReaderMismatch,
    CardNotOnRecord,
    CardOfAnotherHolder,
    NoHolderInVisit,
    NoSerialOnCard,
)
from kiosk.services.workflows.refusals import RefusalRecorder
from protocol.event_types import EventType
from store.database import Store
from store.journal import Journal
from store.models import Card, Office


@dataclass(frozen=True)
class Operator:
    """Who works the counter (from the forced card login)."""

    hsa_id: str
    role: Role
    office_id: str


@dataclass(frozen=True)
class IdentityProof:
    """The identity check done in this visit (R1): the document shown and the verdict."""

    holder_id: str
    document: IdentityDocument
    approved: bool
    checked_at: dt.datetime


@dataclass(frozen=True)
class VisitContext:
    """One customer visit as the workflows need it (plain data, no personal fields)."""

    operator: Operator
    started_at: dt.datetime
    holder_id: str | None = None
    identity: IdentityProof | None = None
    same_organisation: bool = False  # id-admin of the holder's own organisation (R7)

    def require_holder(self) -> str:
        if self.holder_id is None:
            raise NoHolderInVisit()
        return self.holder_id

    def identity_document(self) -> IdentityDocument | None:
        """The document of an approved identity check of *this* visit for its holder."""
        proof = self.identity
        if (
            proof is None
            or not proof.approved
            or proof.holder_id != self.holder_id
            or proof.checked_at < self.started_at
        ):
            return None
        return proof.document

    def require_identity(self) -> IdentityDocument:
        document = self.identity_document()
        if document is None:
            raise IdentityCheckMissing()
        return document


def visit_context_from_ui(
    visit: Any,
    *,
    operator_hsa_id: str,
    operator_role: str,
    office_id: str,
    started_at: dt.datetime,
    checked_at: dt.datetime | None = None,
    same_organisation: bool = False,
) -> VisitContext:
    """Adapter from the app's ``kiosk.services.visit.Visit`` to a ``VisitContext``.

    The identity check counts when it was accepted and the clerk confirmed the photo
    likeness (``visit.identity_done``); its report gives document kind, state and expiry.
    """
    operator = Operator(operator_hsa_id, Role(operator_role), office_id)
    holder = getattr(visit, "holder", None)
    holder_id = getattr(holder, "holder_id", None)
    proof: IdentityProof | None = None
    outcome = getattr(visit, "identity", None)
    report = getattr(outcome, "report", None)
    if holder_id is not None and report is not None and report.expiry_date is not None:
        kind = getattr(report.kind, "value", None)
        if kind is not None:
            proof = IdentityProof(
                holder_id=holder_id,
                document=IdentityDocument(
                    DocumentKind(kind), str(report.issuing_state), report.expiry_date
                ),
                approved=bool(getattr(visit, "identity_done", False)),
                checked_at=checked_at or started_at,
            )
    return VisitContext(operator, started_at, holder_id, proof, same_organisation)


# --- cards ------------------------------------------------------------------------------


class WorkflowCard(Protocol):
    """The customer's card, as the workflows use it (``PivSession`` has these)."""

    def verify_pin(self, pin: str) -> None: ...

    def change_pin(self, old_pin: str, new_pin: str) -> None: ...

    def unblock_with_puk(self, puk: str, new_pin: str) -> None: ...

    def pin_retries(self) -> int | None: ...

    def read_printed_info(self) -> Any: ...


CardOpener = Callable[[], AbstractContextManager[WorkflowCard]]


def printed_serial(card: WorkflowCard) -> str | None:
    info = card.read_printed_info()
    serial = getattr(info, "card_serial", None)
    return serial if isinstance(serial, str) and serial else None


def serial_in_reader(opener: CardOpener) -> str:
    """The printed serial of the card in the customer reader."""
    with opener() as card:
        serial = printed_serial(card)
    if serial is None:
        raise NoSerialOnCard()
    return serial


def require_same_card(card: WorkflowCard, serial: str) -> None:
    """The card in the reader must be the card the clerk picked."""
    if printed_serial(card) != serial:
        raise CardInReaderMismatch(serial=serial)


def connection_opener(connect: Callable[[], Any]) -> CardOpener:
    """A ``CardOpener`` over any APDU connection factory (in-process virtual cards)."""
    from devices.card.piv import PivSession

    @contextmanager
    def opener() -> Iterator[WorkflowCard]:
        connection = connect()
        try:
            yield PivSession(connection)
        finally:
            close = getattr(connection, "close", None)
            if callable(close):
                close()

    return opener


def pcsc_opener(reader_name: str) -> CardOpener:
    """A ``CardOpener`` for one PC/SC reader (the customer reader, by full name)."""

    @contextmanager
    def opener() -> Iterator[WorkflowCard]:
        from devices.card.pcsc import PcscContext
        from devices.card.piv import PivSession

        context = PcscContext()
        try:
            connection = context.connect(reader_name)
            try:
                yield PivSession(connection)
            finally:
                connection.close()
        finally:
            context.release()

    return opener


def card_access_opener(access: Any, role: Any) -> CardOpener:
    """A ``CardOpener`` over the app's ``CardAccess`` port (``kiosk.services.devices``:
    ``InProcessReaders`` in the demo, ``PcscCards`` on real readers) for ``role``
    (``ReaderRole.CUSTOMER``). The port's session wraps a ``PivSession``; it is used through
    its ``piv`` attribute when the port offers one (else its ``_piv``), and closed after."""

    @contextmanager
    def opener() -> Iterator[WorkflowCard]:
        session = access.open(role)
        try:
            piv = getattr(session, "piv", None) or session._piv
            yield piv
        finally:
            session.close()

    return opener


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
        raise CardNotOnRecord(serial=serial)
    return row


def require_holders_card(row: Card, visit: VisitContext) -> None:
    if row.holder_id != visit.require_holder():
        raise CardOfAnotherHolder(serial=row.serial)


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
        state: CardState,
        event_type: EventType,
        *,
        if_in: tuple[CardState, ...],
    ) -> None:
        """What the card itself reported (PIN locked, PUK blocked), in a transaction of its
        own: the new state and its event, unless the card is already past ``if_in``."""
        now = self.clock()
        with self.store.unit_of_work() as session:
            row = load_card(session, serial)
            if CardState(row.state) in if_in:
                set_state(row, state, now)
                self.append(session, operator, event_type, {"serial": serial, "state": state.value})


@dataclass(frozen=True)
class Done:
    """What a workflow did: the journal event, the card's new state, notices to show."""

    event_id: str
    serial: str
    state: CardState | None
    notices: tuple[Any, ...] = field(default=())

"""A small register for receipt and report tests: one office, two operators, holders, cards.

Shared by the unit and integration tests of receipts (imported, not a fixture module).
The world runs on the clock it is given (the tests' ``clock`` fixture): its journal stamps
events with it, and its cards were ordered and photographed ``CARD_AGE`` before that day,
so receipts signed with the test PKI (made at the same ``now``) verify on any date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clock import Clock, local_date
from devices.virtual.factory import PersonalisedCard
from protocol.event_format import SignedEvent
from store.database import Store, open_store
from store.holders import new_holder, new_operator
from store.journal import Journal
from store.keys import load_or_create_keys
from store.models import Card, Office

OFFICE_ID = "KK-SOLNA"
OFFICE_NAME = "Kortkontoret Solna"
KIOSK_ID = "kiosk-solna-1"
CLERK = "SE2321000016-OP01"
CLERK_NAME = "Åsa Handläggare"
ADMIN = "SE2321000016-OP02"
HOLDER_ID = "holder-1"
HOLDER_NAME = "Tolvan Tolvansson"
HOLDER_PNR = "191212121212"
OTHER_HOLDER_ID = "holder-2"
OTHER_NAME = "Märta Ödmansson"
OTHER_PNR = "198112189876"
CARD_AGE = dt.timedelta(days=58)  # the cards were ordered and photographed this long ago


@dataclass
class World:
    store: Store
    journal: Journal
    data_dir: Path
    clock: Clock

    @property
    def now(self) -> dt.datetime:
        return self.clock()

    @property
    def today(self) -> dt.date:
        return local_date(self.now)

    def add_card(
        self,
        serial: str,
        *,
        holder_id: str = HOLDER_ID,
        product_number: str | None = "712",
        state: str = "active",
    ) -> None:
        with self.store.unit_of_work() as session:
            session.add(
                Card(
                    serial=serial,
                    holder_id=holder_id,
                    product_number=product_number,
                    state=state,
                    shipment_method="a_post",
                    photo_office_id=OFFICE_ID,
                    photo_date=self.today - CARD_AGE,
                    order_date=self.today - CARD_AGE,
                    updated_at=self.now,
                )
            )

    def add_personalised(self, card: PersonalisedCard, holder_id: str = HOLDER_ID) -> None:
        self.add_card(card.serial, holder_id=holder_id, product_number=card.product_number)

    def event(
        self,
        event_type: str,
        payload: dict[str, Any],
        *,
        operator: str | None = CLERK,
        now: dt.datetime | None = None,
    ) -> SignedEvent:
        """Journal an event at ``now`` (default: the world's clock)."""
        with self.store.unit_of_work() as session:
            return self.journal.append(
                session, event_type=event_type, operator=operator, payload=payload, now=now
            )


def make_world(data_dir: Path, *, clock: Clock) -> World:
    """A store at ``data_dir`` laid out like a kiosk's (kiosk.key, kiosk.sqlite3), whose
    journal reads ``clock``."""
    keys = load_or_create_keys(data_dir / "kiosk.key")
    store = open_store(f"sqlite:///{data_dir / 'kiosk.sqlite3'}", keys)
    with store.unit_of_work() as session:
        session.add(Office(id=OFFICE_ID, name=OFFICE_NAME))
        session.flush()
        for hsa, role, name in ((CLERK, "clerk", CLERK_NAME), (ADMIN, "id_admin", "Id Admin")):
            session.add(
                new_operator(
                    store.cipher,
                    hsa_id=hsa,
                    role=role,
                    cert_fingerprint="00" * 32,
                    name=name,
                    office_id=OFFICE_ID,
                )
            )
        session.add(
            new_holder(store.cipher, personnummer=HOLDER_PNR, name=HOLDER_NAME, holder_id=HOLDER_ID)
        )
        session.add(
            new_holder(
                store.cipher, personnummer=OTHER_PNR, name=OTHER_NAME, holder_id=OTHER_HOLDER_ID
            )
        )
    return World(store, Journal(KIOSK_ID, keys, store.cipher, clock=clock), data_dir, clock)

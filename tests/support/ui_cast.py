"""The UI tests' cast, put into the one store-backed world (``tests.support.world``): the
operators' and holders' cards on the world's test PKI, the operators on the store's roster,
the holders and their cards in the store (``tests.support.seed``).

What the lookup shows is written the product's way: each card's history as signed journal
events back-dated with ``Journal.append(now=...)`` (ordered, then activated, by the first
clerk, who is on the roster with a name), and its name-change deadline as a deadline row.
The screens read all of it through the product's own ``StoreDirectory``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding

from clock import local_date
from devices.virtual.factory import CardFactory, PersonalisedCard
from kiosk.services.identity import IdentityCheckRecord
from kiosk.services.identity_store import StoreIdentityRecorder
from kiosk.services.status import SyncFigures
from protocol.event_types import EventType
from store.database import Store
from store.deadlines import add_deadline
from store.holders import new_operator
from store.journal import Journal
from tests.support.seed import CardSpec, add_card, add_holder

OFFICE = "KK-SOLNA"
# The holders' cards were photographed this many days before the world's day, journaled
# as ordered and activated ``HISTORY_DAYS_AGO`` before its instant; the name-change
# deadline falls this many days after the day.
PHOTO_DAYS_AGO = 41
HISTORY_DAYS_AGO = {EventType.CARD_ORDERED: 40, EventType.CARD_ACTIVATED: 5}
DEADLINE_IN_DAYS = 90
# The clerk who ordered and activated the holders' cards (on the roster, named).
HISTORY_OPERATOR = "clerk"

# name: (holder id on the card, name, serial, product number, personalisation)
CARDS: dict[str, tuple[str, str, str, str, dict[str, Any]]] = {
    "clerk": ("SE2321000016-1001", "Clara Kvist", "9752269000000101", "701", {}),
    "admin": ("SE2321000016-1002", "Adam Berg", "9752269000000102", "702", {}),
    "stranger": ("SE2321000016-1099", "Sven Okänd", "9752269000000199", "703", {}),
    "expired_op": (
        "SE2321000016-1003",
        "Eva Utgången",
        "9752269000000103",
        "704",
        {"variant": "expired"},
    ),
    "rogue_op": (
        "SE2321000016-1004",
        "Rolf Fel",
        "9752269000000104",
        "705",
        {"variant": "wrong_chain"},
    ),
    "blocked_op": ("SE2321000016-1005", "Bo Spärr", "9752269000000105", "706", {}),
    "asa": ("198503122387", "Åsa Linnéa Öberg", "9752269000000201", "711", {}),
    "jons": (
        "199207045486",
        "Jöns Ülrik Lindqvist",
        "9752269000000202",
        "512",
        {"signing": False, "reserve": "LoA2"},
    ),
    "per": (
        "196111209018",
        "Per Erik Nyström",
        "9752269000000203",
        "613",
        {"variant": "expired"},
    ),
}

# card name: (role, active) on the roster
OPERATORS: dict[str, tuple[str, bool]] = {
    "clerk": ("clerk", True),
    "admin": ("id_admin", True),
    "expired_op": ("clerk", True),
    "rogue_op": ("clerk", True),
    "blocked_op": ("clerk", False),
}

# holder id: (name, personnummer, card name or None, card fields)
HOLDERS: dict[str, tuple[str, str, str | None, dict[str, Any]]] = {
    "h-asa": ("Åsa Linnéa Öberg", "198503122387", "asa", {}),
    "h-jons": (
        "Jöns Ülrik Lindqvist",
        "199207045486",
        "jons",
        {"assurance_level": "LoA2", "is_reserve": True},
    ),
    "h-per": ("Per Erik Nyström", "196111209018", "per", {"state": "locked"}),
    "h-kari": ("Kari Haugen", "198809014449", None, {}),
    # shares a name word with Jöns Ülrik Lindqvist: a search with several matches
    "h-ulrik": ("Ulrik Sand", "197506152334", None, {}),
}


def make_cards(factory: CardFactory) -> dict[str, PersonalisedCard]:
    """The cast's cards, personalised on ``factory``'s PKI."""
    return {
        name: factory.personalise(
            holder_id=holder_id,
            name=person,
            serial=serial,
            product_number=product,
            **extra,
        )
        for name, (holder_id, person, serial, product, extra) in CARDS.items()
    }


def fingerprint(card: PersonalisedCard) -> str:
    """What the roster keeps of an operator's login certificate."""
    der = card.holder.authentication.cert.public_bytes(Encoding.DER)
    return hashlib.sha256(der).hexdigest()


def seed_cast(
    store: Store, journal: Journal, cards: dict[str, PersonalisedCard], now: dt.datetime
) -> None:
    """The operators on the roster, the holders and their cards on record, each card's
    history in the journal and its name-change deadline (dated from ``now``)."""
    with store.unit_of_work() as session:
        for name, (role, active) in OPERATORS.items():
            hsa_id, person = CARDS[name][0], CARDS[name][1]
            session.add(
                new_operator(
                    store.cipher,
                    hsa_id=hsa_id,
                    role=role,
                    cert_fingerprint=fingerprint(cards[name]),
                    name=person,
                    office_id=OFFICE,
                    active=active,
                )
            )
    today = local_date(now)
    photographed = today - dt.timedelta(days=PHOTO_DAYS_AGO)
    for holder_id, (person, personnummer, card_name, fields) in HOLDERS.items():
        add_holder(store, holder_id, personnummer=personnummer, name=person)
        if card_name is None:
            continue
        card = cards[card_name]
        spec = CardSpec(
            serial=card.serial,
            holder_id=holder_id,
            product_number=card.product_number,
            **{"state": "active", **fields},
            photo_office_id=OFFICE,
            photo_date=photographed,
            order_date=photographed,
            has_signing_cert=card.holder.signing is not None,
        )
        add_card(store, spec, now=dt.datetime.combine(photographed, dt.time(), dt.UTC))
        _journal_history(store, journal, spec, photographed, now)
        with store.unit_of_work() as session:
            due = today + dt.timedelta(days=DEADLINE_IN_DAYS)
            add_deadline(session, card.serial, kind="name_change", due=due)


def _journal_history(
    store: Store, journal: Journal, spec: CardSpec, photographed: dt.date, now: dt.datetime
) -> None:
    """The card ordered, then activated, by the history's clerk, back-dated from ``now``."""
    payloads: dict[EventType, dict[str, Any]] = {
        EventType.CARD_ORDERED: {
            "serial": spec.serial,
            "holder_id": spec.holder_id,
            "replaces": "",
            "photo_date": photographed.isoformat(),
            "photo_office_id": OFFICE,
            "state": "ordered",
        },
        EventType.CARD_ACTIVATED: {
            "serial": spec.serial,
            "holder_id": spec.holder_id,
            "office_id": OFFICE,
            "state": "active",
        },
    }
    with store.unit_of_work() as session:
        for event_type, payload in payloads.items():
            journal.append(
                session,
                event_type=event_type,
                operator=CARDS[HISTORY_OPERATOR][0],
                payload=payload,
                now=now - dt.timedelta(days=HISTORY_DAYS_AGO[event_type]),
            )


class FixedSyncFigures:
    """``SyncFiguresSource``: what a test sets in ``value`` (online, 3 events, 1 block)."""

    def __init__(self) -> None:
        self.value = SyncFigures(True, 3, 1, 720.0)

    def figures(self) -> SyncFigures:
        return self.value


class RecordingIdentityRecorder:
    """The store's identity recorder (row and journal event), keeping each record it was
    given in ``records`` for the tests to read."""

    def __init__(self, recorder: StoreIdentityRecorder) -> None:
        self._recorder = recorder
        self.records: list[IdentityCheckRecord] = []

    def record(self, record: IdentityCheckRecord) -> str:
        self.records.append(record)
        return self._recorder.record(record)

"""The UI tests' cast, put into the one store-backed world (``tests.support.world``): the
operators' and holders' cards on the world's test PKI, the operators on the store's roster,
the holders and their cards in the store (``tests.support.seed``).

What the screens' tests pin of a directory stays in memory (``CounterDirectory``): a name
search that matches any part of a name ("er" finds two holders), and a history written by
an HSA-id the roster does not name. Its holders and cards are read back from the store
through the product's own ``StoreDirectory``, so the two never disagree at the start.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding

from clock import FixedClock, local_date
from devices.virtual.factory import CardFactory, PersonalisedCard
from kiosk.services.identity import IdentityCheckRecord
from kiosk.services.identity_store import StoreIdentityRecorder
from kiosk.services.ports import (
    CardView,
    DeadlineView,
    HistoryLine,
    HolderDetail,
    HolderSummary,
)
from kiosk.services.status import SyncFigures
from kiosk.services.store_views import StoreDirectory
from store.database import Store
from store.holders import new_operator
from tests.support.seed import CardSpec, add_card, add_holder

OFFICE = "KK-SOLNA"
# The holders' cards were photographed and ordered this many days before the world's day;
# the name-change deadline falls this many days after it.
PHOTO_DAYS_AGO = 41
DEADLINE_IN_DAYS = 90
# The HSA-id the holders' history names (ordered and activated by the first clerk).
HISTORY_OPERATOR = "SE2321000016-1001"

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


def seed_cast(store: Store, cards: dict[str, PersonalisedCard], today: dt.date) -> None:
    """The operators on the roster, the holders and their cards on record."""
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


@dataclass
class Holder:
    summary: HolderSummary
    cards: list[CardView] = field(default_factory=list)


def holders_on_record(store: Store, now: dt.datetime) -> list[Holder]:
    """The cast's holders and their cards as the product's store directory reads them."""
    directory = StoreDirectory(store, FixedClock(now))
    try:
        found = []
        for holder_id in HOLDERS:
            detail = directory.detail(holder_id)
            assert detail is not None, holder_id
            found.append(Holder(detail.holder, list(detail.cards)))
        return found
    finally:
        directory.close()


class CounterDirectory:
    """``HolderDirectory`` over the cast's holders (see the module's docstring)."""

    def __init__(self, holders: Sequence[Holder], now: dt.datetime) -> None:
        self.holders = {h.summary.holder_id: h for h in holders}
        self.now = now

    def by_personnummer(self, personnummer: str) -> list[HolderSummary]:
        digits = "".join(c for c in personnummer if c.isdigit())[-10:]
        return [h.summary for h in self.holders.values() if h.summary.personnummer[-10:] == digits]

    def by_name(self, text: str) -> list[HolderSummary]:
        return [h.summary for h in self.holders.values() if text.lower() in h.summary.name.lower()]

    def by_birth_date(self, digits: str) -> list[HolderSummary]:
        return [h.summary for h in self.holders.values() if h.summary.personnummer[:8] == digits]

    def by_card_serial(self, serial: str) -> list[HolderSummary]:
        return [
            h.summary for h in self.holders.values() if any(c.serial == serial for c in h.cards)
        ]

    def detail(self, holder_id: str) -> HolderDetail | None:
        holder = self.holders.get(holder_id)
        if holder is None:
            return None
        deadlines: tuple[DeadlineView, ...] = ()
        history: tuple[HistoryLine, ...] = ()
        if holder.cards:
            first = holder.cards[0]
            due = local_date(self.now) + dt.timedelta(days=DEADLINE_IN_DAYS)
            deadlines = (DeadlineView("name_change", due, first.serial),)
            history = tuple(
                HistoryLine(
                    self.now - dt.timedelta(days=days), event, HISTORY_OPERATOR, first.serial
                )
                for days, event in ((40, "card.ordered"), (5, "card.activated"))
            )
        return HolderDetail(holder.summary, tuple(holder.cards), deadlines, history)


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

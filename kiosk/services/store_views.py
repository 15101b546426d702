"""Read-only views of the local store for the screens: holders, roster, sync figures.

Each call is its own short read; screens receive plain data classes, never ORM rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from clock import LOCAL_ZONE, Clock, local_date
from kiosk.services.ports import (
    CardView,
    DeadlineView,
    HistoryLine,
    HolderDetail,
    HolderSummary,
)
from kiosk.services.status import SyncFigures, format_since
from store.deadlines import open_deadlines_of_cards
from store.holders import fill_operator_name, operator_by_hsa_id, operator_name
from store.journal import newest_entries
from store.search_terms import birth_date_index, name_words, word_index
from store.state import last_sync_success

if TYPE_CHECKING:
    from store.records import OperatorRecord

SEARCH_LIMIT = 200  # holders listed for one search; a longer list is narrowed by typing more
HISTORY_SCAN = 5000  # newest journal events searched for a holder's history
HISTORY_LINES = 30


def _summary(record: Any) -> HolderSummary:
    return HolderSummary(holder_id=record.id, name=record.name, personnummer=record.personnummer)


def _card(record: Any) -> CardView:
    return CardView(
        serial=record.serial,
        product_number=record.product_number,
        state=record.state,
        shipment=record.shipment_method,
        photo_office=record.photo_office_id,
        photo_date=record.photo_date,
        order_date=record.order_date,
        sis_marked=record.sis_marked,
        assurance_level=record.assurance_level,
        has_signing_cert=record.has_signing_cert,
        is_reserve=record.is_reserve,
    )


class StoreDirectory:
    """``HolderDirectory`` over ``store.lookup.Lookup`` (blind-index exact lookups)."""

    def __init__(self, store: Any, clock: Clock) -> None:
        from store.lookup import Lookup

        self._store = store
        self._clock = clock
        self._lookup = Lookup(store)

    def close(self) -> None:
        self._lookup.close()

    def by_personnummer(self, personnummer: str) -> Sequence[HolderSummary]:
        from kiosk.domain.personnummer import normalise_personnummer

        try:
            normal = normalise_personnummer(personnummer, local_date(self._clock()))
        except Exception:  # not a valid personnummer: no holder has it
            return []
        record = self._lookup.holder_by_personnummer(normal)
        return [] if record is None else [_summary(record)]

    def by_name(self, text: str) -> Sequence[HolderSummary]:
        words = name_words(text)
        indexes = [word_index(self._store.cipher, word) for word in words]
        return [_summary(r) for r in self._lookup.holders_with_terms(indexes, SEARCH_LIMIT)]

    def by_birth_date(self, digits: str) -> Sequence[HolderSummary]:
        if len(digits) == 6:  # YYMMDD: the latest century that is not in the future
            today = local_date(self._clock())
            century = today.year // 100 * 100
            if (century + int(digits[:2]), digits[2:]) > (today.year, today.strftime("%m%d")):
                century -= 100
            digits = f"{century + int(digits[:2]):04d}{digits[2:]}"
        index = birth_date_index(self._store.cipher, digits)
        return [_summary(r) for r in self._lookup.holders_with_terms([index], SEARCH_LIMIT)]

    def by_card_serial(self, serial: str) -> Sequence[HolderSummary]:
        card = self._lookup.card_by_serial(serial)
        if card is None:
            return []
        holder = self._lookup.holder_by_id(card.holder_id)
        return [] if holder is None else [_summary(holder)]

    def detail(self, holder_id: str) -> HolderDetail | None:
        holder = self._lookup.holder_by_id(holder_id)
        if holder is None:
            return None
        cards = tuple(_card(c) for c in self._lookup.cards_of_holder(holder_id))
        serials = {c.serial for c in cards}
        return HolderDetail(
            holder=_summary(holder),
            cards=cards,
            deadlines=self._deadlines(serials),
            history=self._history(holder_id, serials),
        )

    def _deadlines(self, serials: set[str]) -> tuple[DeadlineView, ...]:
        if not serials:
            return ()
        with self._store.read_only() as tx:
            rows = open_deadlines_of_cards(tx, serials)
        return tuple(DeadlineView(r.kind, r.due_date, r.card_serial) for r in rows)

    def _history(self, holder_id: str, serials: set[str]) -> tuple[HistoryLine, ...]:
        wanted = {holder_id, *serials}
        lines: list[HistoryLine] = []
        names: dict[str, str] = {}
        with self._store.read_only() as tx:
            for entry in newest_entries(tx, self._store.cipher, limit=HISTORY_SCAN):
                if entry.payload is None:
                    continue
                values = {v for v in entry.payload.values() if isinstance(v, str)}
                hit = values & wanted
                if not hit:
                    continue
                serial = next((v for v in hit if v in serials), None)
                lines.append(
                    HistoryLine(
                        at=dt.datetime.fromisoformat(entry.occurred_at).astimezone(LOCAL_ZONE),
                        event_type=entry.event_type,
                        operator=self._operator_name(tx, entry.operator, names),
                        card_serial=serial,
                        event_id=entry.event_id,
                    )
                )
                if len(lines) >= HISTORY_LINES:
                    break
        return tuple(reversed(lines))

    def _operator_name(self, tx: Any, hsa_id: str | None, names: dict[str, str]) -> str:
        """The operator's name from the roster; the HSA-id where the roster has no name."""
        if not hsa_id:
            return ""
        if hsa_id not in names:
            names[hsa_id] = operator_name(tx, self._store.cipher, hsa_id) or hsa_id
        return names[hsa_id]


class StoreRoster:
    """``OperatorRoster``: the local operator roster, by HSA-id; its age is the time of the
    last successful sync round."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def find_by_hsa_id(self, hsa_id: str) -> OperatorRecord | None:
        with self._store.read_only() as tx:
            return operator_by_hsa_id(tx, self._store.cipher, hsa_id)

    def fill_name(self, hsa_id: str, name: str) -> None:
        with self._store.unit_of_work() as tx:
            fill_operator_name(tx, self._store.cipher, hsa_id, name)

    def last_contact(self) -> dt.datetime | None:
        with self._store.read_only() as tx:
            return last_sync_success(tx)


class SyncClientFigures:
    """``SyncFiguresSource`` over the sync client's status (pending events, blocks)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def figures(self) -> SyncFigures:
        status = self._client.status()
        return SyncFigures(
            online=bool(status.online),
            waiting_events=int(status.waiting_events),
            waiting_blocks=int(status.waiting_blocks),
            oldest_block_age_seconds=status.oldest_block_seconds,
            failing_since=format_since(status.failing_since, self._client.clock()),
            journal_diverged=bool(getattr(status, "journal_diverged", False)),
            blocks_outside_chain=int(getattr(status, "blocks_outside_chain", 0)),
        )

"""Bulk import of holders and cards (for example a first load from the central).

Fast path: rows are built as plain tuples (encryption and blind indexes included) and
written with the DB-API ``executemany`` in ONE transaction; on SQLite through a raw
connection with fixed SQL, elsewhere with SQLAlchemy Core's executemany. Nothing is
half-written: any error rolls the whole import back. Nonces for AES-GCM are drawn
from ``os.urandom`` in one call per batch (12 random bytes per field).

Importing is not a state change made at the counter, so it writes no journal events.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

from store.crypto import NONCE_BYTES, FieldCipher
from store.database import Store
from store.holders import holder_name_aad, personnummer_aad
from store.models import Card, Holder, HolderTerm
from store.search_terms import TERM_COLUMNS, term_rows

HOLDER_COLUMNS = (
    "id",
    "personnummer_enc",
    "personnummer_idx",
    "hsa_id",
    "name_enc",
    "name_idx",
    "organisation",
)
CARD_COLUMNS = (
    "serial",
    "holder_id",
    "product_number",
    "state",
    "shipment_method",
    "rek_id",
    "photo_office_id",
    "photo_date",
    "order_date",
    "with_photo",
    "sis_marked",
    "assurance_level",
    "is_reserve",
    "has_signing_cert",
    "replaced_by_serial",
    "blocked_reason",
    "updated_at",
    "holder_chosen_code",
)


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """Fixed SQL from constant names (no user input reaches it)."""
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608


HOLDER_INSERT_SQL = _insert_sql("holders", HOLDER_COLUMNS)
CARD_INSERT_SQL = _insert_sql("cards", CARD_COLUMNS)
TERM_INSERT_SQL = _insert_sql("holder_terms", TERM_COLUMNS)
_STAGED_TERMS = "staged_holder_terms"
_STAGE_TERM_SQL = _insert_sql(_STAGED_TERMS, TERM_COLUMNS)
_INSERT_STAGED_TERMS_SQL = (
    "INSERT INTO holder_terms (term_idx, holder_id) "  # noqa: S608 (constant names)
    f"SELECT term_idx, holder_id FROM {_STAGED_TERMS} ORDER BY term_idx, holder_id"
)
BATCH = 20_000


@dataclass(frozen=True, repr=False)
class HolderInput:
    id: str
    personnummer: str  # normalised, 12 digits
    name: str
    hsa_id: str | None = None
    organisation: str = ""

    def __repr__(self) -> str:
        return f"HolderInput(id={self.id!r})"


@dataclass(frozen=True)
class CardInput:
    serial: str
    holder_id: str
    state: str
    shipment_method: str
    order_date: date
    updated_at: datetime
    product_number: str | None = None
    rek_id: str | None = None
    photo_office_id: str | None = None
    photo_date: date | None = None
    with_photo: bool = True
    sis_marked: bool = False
    assurance_level: str | None = None
    is_reserve: bool = False
    has_signing_cert: bool = True
    replaced_by_serial: str | None = None
    blocked_reason: str | None = None
    holder_chosen_code: bool = False


@dataclass(frozen=True)
class ImportResult:
    holders: int
    cards: int
    seconds: float


def _sqlite_datetime(moment: datetime) -> str:
    """The text form SQLAlchemy's SQLite dialect stores (UTC, no offset)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def holder_rows(cipher: FieldCipher, holders: Iterable[HolderInput]) -> Iterator[tuple[Any, ...]]:
    """Encrypted row tuples in :data:`HOLDER_COLUMNS` order."""
    pnr_index = cipher.personnummer_index
    encrypt = cipher.encrypt_with_nonce
    iterator = iter(holders)
    while batch := list(islice(iterator, BATCH)):
        nonces = os.urandom(NONCE_BYTES * 2 * len(batch))
        offset = 0
        for holder in batch:
            first = nonces[offset : offset + NONCE_BYTES]
            second = nonces[offset + NONCE_BYTES : offset + 2 * NONCE_BYTES]
            offset += 2 * NONCE_BYTES
            yield (
                holder.id,
                encrypt(first, holder.personnummer, personnummer_aad(holder.id)),
                pnr_index(holder.personnummer),
                holder.hsa_id,
                encrypt(second, holder.name, holder_name_aad(holder.id)),
                cipher.name_index(holder.name),
                holder.organisation,
            )


def search_term_rows(
    cipher: FieldCipher, holders: Iterable[HolderInput]
) -> Iterator[tuple[Any, ...]]:
    """Search-term rows in :data:`store.search_terms.TERM_COLUMNS` order."""
    for holder in holders:
        yield from term_rows(cipher, holder.id, name=holder.name, personnummer=holder.personnummer)


def card_rows(cards: Iterable[CardInput], *, sqlite: bool = True) -> Iterator[tuple[Any, ...]]:
    """Row tuples in :data:`CARD_COLUMNS` order (dates as text on SQLite)."""
    for card in cards:
        photo_date: Any = card.photo_date
        order_date: Any = card.order_date
        updated_at: Any = card.updated_at
        if sqlite:
            photo_date = None if photo_date is None else photo_date.isoformat()
            order_date = order_date.isoformat()
            updated_at = _sqlite_datetime(updated_at)
        yield (
            card.serial,
            card.holder_id,
            card.product_number,
            card.state,
            card.shipment_method,
            card.rek_id,
            card.photo_office_id,
            photo_date,
            order_date,
            card.with_photo,
            card.sis_marked,
            card.assurance_level,
            card.is_reserve,
            card.has_signing_cert,
            card.replaced_by_serial,
            card.blocked_reason,
            updated_at,
            card.holder_chosen_code,
        )


def _holder_batches(
    cipher: FieldCipher, holders: Iterable[HolderInput]
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Holder rows and their search-term rows, one batch of holders at a time."""
    iterator = iter(holders)
    while batch := list(islice(iterator, BATCH)):
        yield list(holder_rows(cipher, batch)), list(search_term_rows(cipher, batch))


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    while batch := list(islice(rows, BATCH)):
        yield batch


def import_holders_and_cards(
    store: Store, holders: Iterable[HolderInput], cards: Iterable[CardInput]
) -> ImportResult:
    """Insert all holders (with their search terms), then all cards, in one transaction
    (all or nothing)."""
    started = time.perf_counter()
    holder_count = card_count = 0
    if store.engine.dialect.name == "sqlite":
        raw = store.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                # Terms are random keys: staged, then inserted in key order (a sorted
                # insert fills the index pages in turn instead of touching them at random).
                cursor.execute(f"CREATE TEMP TABLE {_STAGED_TERMS} (term_idx BLOB, holder_id TEXT)")
                for batch, terms in _holder_batches(store.cipher, holders):
                    cursor.executemany(HOLDER_INSERT_SQL, batch)
                    cursor.executemany(_STAGE_TERM_SQL, terms)
                    holder_count += len(batch)
                cursor.execute(_INSERT_STAGED_TERMS_SQL)
                cursor.execute(f"DROP TABLE {_STAGED_TERMS}")
                for batch in _batches(card_rows(cards)):
                    cursor.executemany(CARD_INSERT_SQL, batch)
                    card_count += len(batch)
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            finally:
                cursor.close()
        finally:
            raw.close()
    else:
        holder_table = Holder.__table__  # type: ignore[attr-defined]
        card_table = Card.__table__  # type: ignore[attr-defined]
        with store.engine.begin() as connection:
            term_table = HolderTerm.__table__  # type: ignore[attr-defined]
            for batch, terms in _holder_batches(store.cipher, holders):
                connection.execute(
                    holder_table.insert(),
                    [dict(zip(HOLDER_COLUMNS, r, strict=True)) for r in batch],
                )
                if terms:
                    connection.execute(
                        term_table.insert(),
                        [dict(zip(TERM_COLUMNS, r, strict=True)) for r in terms],
                    )
                holder_count += len(batch)
            for batch in _batches(card_rows(cards, sqlite=False)):
                connection.execute(
                    card_table.insert(), [dict(zip(CARD_COLUMNS, r, strict=True)) for r in batch]
                )
                card_count += len(batch)
    return ImportResult(holder_count, card_count, time.perf_counter() - started)

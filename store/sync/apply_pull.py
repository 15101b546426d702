"""Writing a pulled page into the kiosk's tables (the central wins).

Bulk upserts on the session's own DBAPI connection, inside its transaction, with no
ORM and no dict per row; personal fields are encrypted with the kiosk's own key on
the way in, PUK cache entries opened with the office key and cached under it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clock import local_date
from protocol.puk import open_puk
from protocol.wire import PullEntity, PullPage, PullTable
from store.bulk import CARD_COLUMNS, HOLDER_COLUMNS
from store.database import Store
from store.holders import holder_name_aad, operator_name_aad, personnummer_aad
from store.models import Card
from store.search_terms import TERM_COLUMNS, term_rows

log = logging.getLogger(__name__)

PULL_CACHE_KIB = 65_536

_CARD = Card.__table__  # type: ignore[attr-defined]
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


class PulledFieldError(ValueError):
    """A pulled row's field that does not hold what the kiosk's column needs (the
    message names the field, never the value)."""

    def __init__(self, entity: str, field: str, wanted: str) -> None:
        super().__init__(f"{entity} field {field} is not {wanted}")


def _iso_date(value: Any, field: str) -> str | None:
    """A ``YYYY-MM-DD`` string as SQLAlchemy stores a ``Date`` on SQLite (validated)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise PulledFieldError("card", field, "a date") from None


class _Writer:
    """Bulk upserts on the session's own DBAPI connection (inside its transaction):
    ``INSERT ... ON CONFLICT (key) DO UPDATE`` (SQLite and PostgreSQL), no ORM."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        self.cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        self.sqlite = connection.dialect.name == "sqlite"
        self.mark = "?" if self.sqlite else "%s"
        if self.sqlite:  # bulk pages touch random index pages: keep them in memory
            self.cursor.execute(f"PRAGMA cache_size = -{PULL_CACHE_KIB}")

    def upsert(
        self,
        table: str,
        key: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        keep: Sequence[str] = (),
    ) -> None:
        """Insert or replace by ``key``; columns in ``keep`` keep their local value."""
        if not rows:
            return
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key and c not in keep)
        self.cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (constant names)
            f"VALUES ({', '.join([self.mark] * len(columns))}) "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}",
            rows,
        )

    def insert_missing(
        self, table: str, key: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        if not rows:
            return
        self.cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (constant names)
            f"VALUES ({', '.join([self.mark] * len(columns))}) ON CONFLICT ({key}) DO NOTHING",
            rows,
        )

    def existing(self, table: str, key: str, values: Iterable[str]) -> set[str]:
        ordered = sorted(set(values))
        found: set[str] = set()
        for start in range(0, len(ordered), 900):
            chunk = ordered[start : start + 900]
            self.cursor.execute(
                f"SELECT {key} FROM {table} "  # noqa: S608 (constant names)
                f"WHERE {key} IN ({', '.join([self.mark] * len(chunk))})",
                chunk,
            )
            found.update(str(row[0]) for row in self.cursor.fetchall())
        return found

    def replace_terms(self, holder_ids: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """The search terms of ``holder_ids`` become ``rows`` (their names may have changed)."""
        for start in range(0, len(holder_ids), 900):
            chunk = list(holder_ids[start : start + 900])
            self.cursor.execute(
                "DELETE FROM holder_terms "  # noqa: S608 (constant names)
                f"WHERE holder_id IN ({', '.join([self.mark] * len(chunk))})",
                chunk,
            )
        self.insert_missing("holder_terms", "term_idx, holder_id", TERM_COLUMNS, rows)

    def stamp(self, moment: datetime) -> Any:
        return moment.strftime(_SQLITE_DATETIME) if self.sqlite else moment


OPERATOR_COLUMNS = ("hsa_id", "role", "cert_fingerprint", "name_enc", "office_id", "active")
_LOCAL_OPERATOR = ("cert_fingerprint",)  # set locally at enrolment


class _Table:
    """One entity's rows of a pulled page, read by column position (no dicts)."""

    def __init__(self, table: PullTable) -> None:
        self.index = table.index()
        self.rows: Sequence[Sequence[Any]] = table.rows

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> int:
        return self.index[name]


def apply_page(
    store: Store,
    session: Session,
    page: PullPage,
    *,
    now: datetime,
    puk_key: bytes | None = None,
) -> int:
    """Write one pulled page into the kiosk tables (the central wins); returns the
    number of changes. Offices first, then holders, operators, cards and PUK entries,
    so foreign keys hold; a card whose holder has not arrived yet gets a placeholder
    holder that the holder's own change fills in later. Personal fields are encrypted
    with the kiosk's key (the store's associated data, ``store.holders``). PUK entries
    are opened with the office ``puk_key`` and cached under the kiosk's key; without
    the key they are skipped."""
    writer = _Writer(session)
    cipher = store.cipher
    holders = _Table(page.table(PullEntity.HOLDER))
    operators = _Table(page.table(PullEntity.OPERATOR))
    cards = _Table(page.table(PullEntity.CARD))
    puks = _Table(page.table(PullEntity.PUK))
    orders = _Table(page.table(PullEntity.ORDER))

    offices: set[str] = set()
    if len(operators):
        at = operators.column("office_id")
        offices.update(str(r[at]) for r in operators.rows if r[at])
    if len(cards):
        at, data_at = cards.column("office_id"), cards.column("data")
        offices.update(str(r[at]) for r in cards.rows if r[at])
        offices.update(
            str(r[data_at]["photo_office_id"])
            for r in cards.rows
            if isinstance(r[data_at], dict) and r[data_at].get("photo_office_id")
        )
    if offices:
        writer.insert_missing("offices", "id", ("id", "name"), [(o, o) for o in sorted(offices)])

    holder_rows: list[tuple[Any, ...]] = []
    if len(holders):
        key_at, data_at = holders.column("holder_id"), holders.column("data")
        named = [(str(r[key_at]), r[data_at]) for r in holders.rows]
        holder_rows = _holder_rows(cipher, named)
    order_rows = _order_rows(orders, writer.stamp(now), now) if len(orders) else []
    if len(cards) or order_rows:
        pending = {str(row[1]) for row in order_rows}
        if len(cards):
            holder_at = cards.column("holder_id")
            pending |= {str(r[holder_at]) for r in cards.rows if r[holder_at]}
        pending -= {row[0] for row in holder_rows}
        if pending:
            missing = pending - writer.existing("holders", "id", pending)
            holder_rows += _holder_rows(cipher, [(key, None) for key in sorted(missing)])
    writer.upsert("holders", "id", HOLDER_COLUMNS, holder_rows)
    if len(holders):
        writer.replace_terms([key for key, _ in named], _term_rows(cipher, named))

    if len(operators):
        named_rows, unnamed_rows = _operator_rows(cipher, operators)
        # the central's name wins; without one the local name (the certificate's) stays
        writer.upsert("operators", "hsa_id", OPERATOR_COLUMNS, named_rows, keep=_LOCAL_OPERATOR)
        writer.upsert(
            "operators",
            "hsa_id",
            OPERATOR_COLUMNS,
            unnamed_rows,
            keep=(*_LOCAL_OPERATOR, "name_enc"),
        )

    if len(cards):
        writer.upsert("cards", "serial", CARD_COLUMNS, _card_rows(cards, writer.stamp(now), now))

    writer.upsert("orders", "order_id", ORDER_COLUMNS, order_rows)

    if len(puks) and puk_key is not None:
        _cache_puks(session, cipher, puks, puk_key)
    return len(holders) + len(operators) + len(cards) + len(puks) + len(orders)


def _cache_puks(session: Session, cipher: Any, puks: _Table, puk_key: bytes) -> None:
    from store.puk_cache import put_puk

    key_at, text_at = puks.column("serial"), puks.column("ciphertext")
    serials = [str(r[key_at]) for r in puks.rows]
    products: dict[str, str | None] = dict(
        session.execute(
            select(_CARD.c.serial, _CARD.c.product_number).where(_CARD.c.serial.in_(serials))
        ).all()
    )
    for row in puks.rows:
        serial = str(row[key_at])
        try:
            puk = open_puk(puk_key, serial, str(row[text_at]))
            put_puk(
                session, cipher, card_serial=serial, product_number=products.get(serial), puk=puk
            )
        except ValueError:
            log.warning("PUK cache entry for a card not cached (wrong key or not 7xx)")


def _operator_rows(
    cipher: Any, operators: _Table
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The pulled operators as rows, (those with a name, those without): the name comes
    in the row's ``data`` (a central from before names sends no ``data``) and is encrypted
    with the kiosk's key."""
    c = operators.index
    data_at = c.get("data")
    named: list[tuple[Any, ...]] = []
    unnamed: list[tuple[Any, ...]] = []
    for r in operators.rows:
        hsa_id = str(r[c["hsa_id"]])
        data = r[data_at] if data_at is not None else None
        name = data.get("name") if isinstance(data, dict) else None
        name = name if isinstance(name, str) else ""
        row = (
            hsa_id,
            str(r[c["role"]]),
            "",
            cipher.encrypt(name, operator_name_aad(hsa_id)),
            str(r[c["office_id"]]),
            bool(r[c["active"]]),
        )
        (named if name else unnamed).append(row)
    return named, unnamed


def _card_rows(cards: _Table, stamp: Any, now: datetime) -> list[tuple[Any, ...]]:
    c = cards.index
    serial_at, holder_at, product_at = c["serial"], c["holder_id"], c["product_number"]
    state_at, office_at, data_at = c["state"], c["office_id"], c["data"]
    today = local_date(now).isoformat()
    rows = []
    for r in cards.rows:
        if not r[holder_at]:
            continue
        extra = r[data_at] if isinstance(r[data_at], dict) else {}
        get = extra.get
        rows.append(
            (
                r[serial_at],
                r[holder_at],
                r[product_at],
                r[state_at],
                get("shipment_method") or "a_post",
                get("rek_id"),
                get("photo_office_id") or r[office_at],
                _iso_date(get("photo_date"), "photo_date"),
                _iso_date(get("order_date"), "order_date") or today,
                bool(get("with_photo", True)),
                bool(get("sis_marked", False)),
                get("assurance_level"),
                bool(get("is_reserve", False)),
                bool(get("has_signing_cert", True)),
                get("replaced_by_serial"),
                get("blocked_reason"),
                stamp,
                bool(get("holder_chosen_code", False)),
            )
        )
    return rows


ORDER_COLUMNS = (
    "order_id",
    "holder_id",
    "office_id",
    "photo_office_id",
    "photo_date",
    "order_date",
    "card_kind",
    "delivery",
    "state",
    "rek_id",
    "card_serial",
    "photo_digest",
    "replaces_serial",
    "replaces_order_id",
    "updated_at",
)


def _order_rows(orders: _Table, stamp: Any, now: datetime) -> list[tuple[Any, ...]]:
    """The pulled orders as rows of the kiosk's ``orders`` table (an order without a
    holder is left out: nothing at the counter can use it)."""
    c = orders.index
    key_at, office_at, serial_at, data_at = (
        c["order_id"],
        c["office_id"],
        c["card_serial"],
        c["data"],
    )
    today = local_date(now).isoformat()
    rows = []
    for r in orders.rows:
        data = r[data_at] if isinstance(r[data_at], dict) else {}
        get = data.get
        if not get("holder_id") or not get("card_kind"):
            continue  # an order of another kind (a code letter): not a card order
        rows.append(
            (
                str(r[key_at]),
                str(get("holder_id")),
                str(get("office_id") or r[office_at]),
                get("photo_office_id"),
                _iso_date(get("photo_date"), "photo_date"),
                _iso_date(get("order_date"), "order_date") or today,
                str(get("card_kind")),
                str(get("delivery") or "a_post"),
                str(get("state") or "ordered"),
                get("rek_id"),
                r[serial_at] or get("card_serial"),
                get("photo_digest"),
                get("replaces"),
                get("replaces_order"),
                stamp,
            )
        )
    return rows


def _term_rows(cipher: Any, items: Sequence[tuple[str, Any]]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for holder_id, data in items:
        inner = data if isinstance(data, dict) else {}
        name = str(inner.get("name") or "")
        pnr = str(inner.get("personnummer") or "")
        rows += term_rows(cipher, holder_id, name=name, personnummer=pnr)
    return rows


def _holder_rows(cipher: Any, items: Sequence[tuple[str, Any]]) -> list[tuple[Any, ...]]:
    """Encrypted holder rows; one random draw for all nonces of the page."""
    nonces = os.urandom(24 * len(items))
    rows = []
    for n, (holder_id, data) in enumerate(items):
        inner = data if isinstance(data, dict) else {}
        pnr = str(inner.get("personnummer") or "")
        name = str(inner.get("name") or "")
        at = 24 * n
        rows.append(
            (
                holder_id,
                cipher.encrypt_with_nonce(nonces[at : at + 12], pnr, personnummer_aad(holder_id)),
                cipher.personnummer_index(pnr) if pnr else os.urandom(16),
                inner.get("hsa_id"),
                cipher.encrypt_with_nonce(
                    nonces[at + 12 : at + 24], name, holder_name_aad(holder_id)
                ),
                cipher.name_index(name) if name else os.urandom(16),
                str(inner.get("organisation") or ""),
            )
        )
    return rows

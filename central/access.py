"""What every operation of the central shares: the engine, the field cipher, the clock,
and the row access they all need (kiosk lookup, card and roster locks, change ids,
upserts).

Change ids come from one counter row, updated last in a transaction and locked until
commit, so they become visible in commit order (a pull cursor never skips a change).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, Table, insert, select, update
from sqlalchemy.engine import Connection

from central import rules
from central.database import CHANGE_COUNTER
from central.errors import UnknownKioskError
from central.fields import CentralCipher, holder_aad
from central.hot_sql import HotSql
from central.tables import CARD, COUNTER, KIOSK, chunks
from clock import Clock
from protocol.checkpoint import Checkpoint

# central_card's columns, from its table (the card locks read them all as driver SQL)
CARD_COLUMNS = tuple(CARD.c.keys())


class CentralAccess:
    """The central's state over one SQLAlchemy engine (SQLite or PostgreSQL): none in
    memory but a cache of kiosk keys that every push confirms under the kiosk's row lock,
    so any number of processes may serve one database."""

    def __init__(
        self,
        engine: Engine,
        *,
        cipher: CentralCipher,
        clock: Clock,
        checkpoint_key: Ed25519PrivateKey | None = None,
    ) -> None:
        self.engine = engine
        self.cipher = cipher
        self.clock = clock
        # signs the checkpoints of push and head answers (central.checkpoints)
        self.checkpoint_key = checkpoint_key
        self._postgres = engine.dialect.name == "postgresql"
        # kiosk id -> (public key hex, office id) of an active kiosk, as last read: spares
        # a push its own connection for the kiosk row; the push's locked read confirms it
        self._kiosk_keys: dict[str, tuple[str, str]] = {}

    def _write(self) -> Any:
        return self.engine.begin()

    def _for_update(self, query: Any) -> Any:
        return query.with_for_update() if self._postgres else query

    def _kiosk(self, kiosk_id: str) -> Mapping[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(KIOSK).where(KIOSK.c.kiosk_id == kiosk_id)).first()
        if row is None or not row.active:
            raise UnknownKioskError(kiosk_id=kiosk_id)
        return dict(row._mapping)

    def _kiosk_key(self, kiosk_id: str) -> tuple[str, str]:
        """(public key hex, office id) of an active kiosk, from the cache when there;
        :class:`UnknownKioskError` otherwise. Whoever uses it confirms it under lock."""
        known = self._kiosk_keys.get(kiosk_id)
        if known is None:
            kiosk = self._kiosk(kiosk_id)
            known = (str(kiosk["public_key"]), str(kiosk["office_id"]))
            self._kiosk_keys[kiosk_id] = known
        return known

    def _checkpoint(
        self, kiosk_id: str, head_seq: int, head_hash: str, *, kiosk_key: str
    ) -> dict[str, Any] | None:
        """The signed checkpoint of a chain head (wire form), None without a key;
        ``kiosk_key``: the kiosk's registered public key (hex), bound into it."""
        if self.checkpoint_key is None:
            return None
        return Checkpoint.sign(
            self.checkpoint_key,
            kiosk_id=kiosk_id,
            head_seq=head_seq,
            head_hash=head_hash,
            issued_at=self.clock(),
            kiosk_key=kiosk_key,
        ).to_dict()

    def _allocate(self, conn: Connection, count: int) -> int:
        """Reserve ``count`` change ids; returns the first. Holds the counter row lock
        until commit, so change ids become visible in commit order."""
        result = conn.execute(
            update(COUNTER)
            .where(COUNTER.c.name == CHANGE_COUNTER)
            .values(value=COUNTER.c.value + count)
            .returning(COUNTER.c.value)
        ).first()
        if result is None:
            raise RuntimeError("central database is not migrated (no change counter)")
        return int(result[0]) - count + 1

    def _upsert(
        self,
        conn: Connection,
        table: Table,
        key_name: str,
        key: str,
        values: Mapping[str, Any],
        *,
        change_id: int | None = None,
    ) -> None:
        if change_id is None:
            change_id = self._allocate(conn, 1)
        key_col = table.c[key_name]
        done = conn.execute(
            update(table).where(key_col == key).values(**values, change_id=change_id)
        )
        if done.rowcount == 0:
            conn.execute(insert(table).values({key_name: key, **values, "change_id": change_id}))

    def _lock_cards(self, conn: Connection, serials: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The cards of ``serials`` (all their columns, ``data`` decoded), locked in serial
        order on PostgreSQL."""
        cards: dict[str, dict[str, Any]] = {}
        sql = HotSql(conn, postgres=self._postgres)
        for chunk in chunks(sorted(serials), 1000):
            among, params = sql.among("serial", chunk)
            query = f"SELECT {', '.join(CARD_COLUMNS)} FROM central_card WHERE {among}"  # noqa: S608
            for row in sql.rows(f"{query} ORDER BY serial", params, lock=True):
                card = dict(zip(CARD_COLUMNS, row, strict=True))
                if isinstance(card["data"], str | bytes):  # SQLite keeps JSON as text
                    card["data"] = json.loads(card["data"])
                cards[str(card["serial"])] = card
        return cards

    def _roster(self, conn: Connection, hsa_ids: set[str]) -> dict[str, rules.RosterEntry]:
        roster: dict[str, rules.RosterEntry] = {}
        sql = HotSql(conn, postgres=self._postgres)
        for chunk in chunks(sorted(hsa_ids), 1000):
            among, params = sql.among("hsa_id", chunk)
            # only names and placeholders are formatted in: the ids are parameters
            query = f"SELECT hsa_id, role, office_id, active FROM central_operator WHERE {among}"  # noqa: S608
            for hsa_id, role, office_id, active in sql.rows(query, params):
                roster[str(hsa_id)] = rules.RosterEntry(
                    str(hsa_id), str(role), str(office_id), bool(active)
                )
        return roster

    def _holder_values(
        self, holder_id: str, office_id: str, data: Mapping[str, Any]
    ) -> dict[str, Any]:
        clear, sealed, index = self.cipher.split(data, holder_aad(holder_id))
        return {
            "office_id": office_id,
            "data": clear,
            "personal_enc": sealed,
            "personnummer_idx": index,
        }

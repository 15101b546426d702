"""The central service's logic: register kiosks and operators, push, pull.

Stateless: everything that must hold across processes lives in the database. A push
batch runs in one transaction that first locks the kiosk's row (``SELECT ... FOR
UPDATE``), so two processes serving the same kiosk serialise; card rows touched by
the batch are locked in serial order; change ids come from one counter row updated
last, so they become visible in commit order. A batch that is re-delivered after its
commit (connection cut before the kiosk heard the answer) hits the unique
``event_id`` constraint path and gets the same answers again, nothing applied twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Table, and_, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from central import rules
from central.database import CHANGE_COUNTER
from central.errors import UnknownKioskError, WrongKioskCertificateError
from central.fields import CentralCipher, card_aad, event_aad, holder_aad, order_aad
from central.models import (
    CentralCard,
    CentralCounter,
    CentralEvent,
    CentralHolder,
    CentralKiosk,
    CentralOperator,
    CentralOrder,
    CentralPukEntry,
)
from clock import Clock
from protocol.event_format import GENESIS_HASH, HASHED_FIELDS, SignedEvent, format_timestamp
from protocol.event_types import EventType
from protocol.wire import (
    PULL_COLUMNS,
    EventResult,
    InvalidReason,
    PushAnswer,
    PushStatus,
)

log = logging.getLogger(__name__)

MAX_PULL = 50_000
RETRIES = 5

EVENT: Table = CentralEvent.__table__  # type: ignore[attr-defined]
KIOSK: Table = CentralKiosk.__table__  # type: ignore[attr-defined]
CARD: Table = CentralCard.__table__  # type: ignore[attr-defined]
HOLDER: Table = CentralHolder.__table__  # type: ignore[attr-defined]
ORDER: Table = CentralOrder.__table__  # type: ignore[attr-defined]
OPERATOR: Table = CentralOperator.__table__  # type: ignore[attr-defined]
PUK: Table = CentralPukEntry.__table__  # type: ignore[attr-defined]
COUNTER: Table = CentralCounter.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Change:
    change_id: int
    entity: str  # card | holder | order | operator | puk
    key: str
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "change_id": self.change_id,
            "entity": self.entity,
            "key": self.key,
            "data": self.data,
        }


@dataclass(frozen=True)
class PullAnswer:
    cursor: int
    more: bool
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cursor": self.cursor,
            "more": self.more,
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass
class _Pending:
    """A verified event waiting for its decision inside the batch transaction."""

    index: int
    event: SignedEvent


class CentralService:
    """The central's operations over one SQLAlchemy engine (SQLite or PostgreSQL)."""

    def __init__(
        self,
        engine: Engine,
        *,
        cipher: CentralCipher,
        clock: Clock,
    ) -> None:
        self.engine = engine
        self.cipher = cipher
        self.clock = clock
        self._postgres = engine.dialect.name == "postgresql"

    # ----------------------------------------------------------------- administration

    def register_kiosk(
        self,
        *,
        kiosk_id: str,
        office_id: str,
        public_key: bytes,
        cert_fingerprint: str | None = None,
    ) -> None:
        """Register (or re-key) a kiosk; its chain head is kept when it exists."""
        with self.engine.begin() as conn:
            row = conn.execute(select(KIOSK.c.kiosk_id).where(KIOSK.c.kiosk_id == kiosk_id)).first()
            values = {
                "office_id": office_id,
                "public_key": public_key.hex(),
                "cert_fingerprint": cert_fingerprint.lower() if cert_fingerprint else None,
                "active": True,
            }
            if row is None:
                conn.execute(
                    insert(KIOSK).values(
                        kiosk_id=kiosk_id, head_seq=0, head_hash=GENESIS_HASH, **values
                    )
                )
            else:
                conn.execute(update(KIOSK).where(KIOSK.c.kiosk_id == kiosk_id).values(**values))

    def set_operator(self, *, hsa_id: str, role: str, office_id: str, active: bool = True) -> None:
        """Add or change one roster entry (role ``clerk`` or ``id_admin``)."""
        if role not in rules.ROLES:
            raise ValueError(f"unknown role {role!r}")
        values = {"role": role, "office_id": office_id, "active": active}
        with self._write() as conn:
            self._upsert(conn, OPERATOR, "hsa_id", hsa_id, values)

    def put_cards(self, cards: Iterable[Mapping[str, Any]]) -> int:
        """Create or replace cards (keys: serial, office_id, state, holder_id,
        product_number, data). A blocked card stays blocked. Returns the count.
        Locks: existing card rows first, the change counter last (as a push does)."""
        rows = list(cards)
        with self._write() as conn:
            serials = [str(r["serial"]) for r in rows]
            current = self._lock_cards(conn, serials)
            existing = set(current)
            blocked = {serial for serial, card in current.items() if card["state"] == "blocked"}
            start = self._allocate(conn, len(rows))
            new_rows: list[dict[str, Any]] = []
            for offset, r in enumerate(rows):
                serial = str(r["serial"])
                state = "blocked" if serial in blocked else str(r.get("state", "ordered"))
                clear, sealed, _ = self.cipher.split(dict(r.get("data") or {}), card_aad(serial))
                values = {
                    "office_id": str(r["office_id"]),
                    "holder_id": r.get("holder_id"),
                    "product_number": r.get("product_number"),
                    "state": state,
                    "data": clear,
                    "personal_enc": sealed,
                    "change_id": start + offset,
                }
                if serial in existing:
                    conn.execute(update(CARD).where(CARD.c.serial == serial).values(**values))
                else:
                    new_rows.append({"serial": serial, **values})
            if new_rows:
                conn.execute(insert(CARD), new_rows)
        return len(rows)

    def put_holder(self, *, holder_id: str, office_id: str, data: Mapping[str, Any]) -> None:
        """Create or replace a holder (``data``: personnummer, name, hsa_id, organisation,
        ...); the personal fields are sealed with the central's field key."""
        with self._write() as conn:
            self._upsert(
                conn,
                HOLDER,
                "holder_id",
                holder_id,
                self._holder_values(holder_id, office_id, data),
            )

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

    def holder_data(self, holder_id: str) -> dict[str, Any] | None:
        """A holder's whole ``data`` (personal fields opened), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(HOLDER.c.data, HOLDER.c.personal_enc).where(HOLDER.c.holder_id == holder_id)
            ).first()
        if row is None:
            return None
        return self.cipher.join(row.data or {}, row.personal_enc, holder_aad(holder_id))

    def holder_ids_by_personnummer(self, personnummer: str) -> list[str]:
        """Exact lookup through the keyed blind index (the number is never stored)."""
        index = self.cipher.personnummer_index(personnummer)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(HOLDER.c.holder_id)
                .where(HOLDER.c.personnummer_idx == index)
                .order_by(HOLDER.c.holder_id)
            )
            return [str(r[0]) for r in rows]

    def put_puk_entry(self, *, serial: str, office_id: str, ciphertext: str) -> None:
        """Store one PUK cache entry (7xx cards only, R7), sealed under the office key
        with :func:`protocol.puk.seal_puk`; the central never sees the PUK."""
        with self._write() as conn:
            card = conn.execute(
                select(CARD.c.product_number).where(CARD.c.serial == serial)
            ).first()
            if card is None or not str(card[0] or "").startswith("7"):
                raise ValueError("the PUK cache holds 7xx cards only")
            self._upsert(
                conn, PUK, "serial", serial, {"office_id": office_id, "ciphertext": ciphertext}
            )

    def block_card(self, serial: str) -> None:
        """A block made centrally (service desk); it wins over any kiosk change."""
        with self._write() as conn:
            if serial not in self._lock_cards(conn, [serial]):
                raise ValueError("unknown card")
            change = self._allocate(conn, 1)
            conn.execute(
                update(CARD)
                .where(CARD.c.serial == serial)
                .values(state="blocked", change_id=change)
            )

    # ------------------------------------------------------------------------- reads

    def kiosk_head(self, kiosk_id: str) -> tuple[int, str]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(KIOSK.c.head_seq, KIOSK.c.head_hash).where(KIOSK.c.kiosk_id == kiosk_id)
            ).first()
        if row is None:
            raise UnknownKioskError(kiosk_id=kiosk_id)
        return int(row[0]), str(row[1])

    def card_state(self, serial: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(CARD.c.state).where(CARD.c.serial == serial)).first()
        return None if row is None else str(row[0])

    def event_counts(self, kiosk_id: str | None = None) -> dict[str, int]:
        """Stored events by status (for checks: nothing applied twice)."""
        from sqlalchemy import func

        query = select(EVENT.c.status, func.count()).group_by(EVENT.c.status)
        if kiosk_id is not None:
            query = query.where(EVENT.c.kiosk_id == kiosk_id)
        with self.engine.connect() as conn:
            return {str(s): int(n) for s, n in conn.execute(query)}

    def events(self, kiosk_id: str) -> list[SignedEvent]:
        """The kiosk's stored events in seq order (payloads opened)."""
        cols = [EVENT.c[name] for name in STORED_FIELDS]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*cols).where(EVENT.c.kiosk_id == kiosk_id).order_by(EVENT.c.seq)
            ).all()
        events = []
        for row in rows:
            values = dict(row._mapping)
            blob = values.pop("payload_enc")
            values["payload"] = self.cipher.open_json(blob, event_aad(str(values["event_id"])))
            events.append(SignedEvent.from_dict(values))
        return events

    def verify_chain(self, kiosk_id: str) -> bool:
        """Every stored event of the kiosk hashes, links and verifies with its key."""
        with self.engine.connect() as conn:
            key_row = conn.execute(
                select(KIOSK.c.public_key).where(KIOSK.c.kiosk_id == kiosk_id)
            ).first()
        if key_row is None:
            raise UnknownKioskError(kiosk_id=kiosk_id)
        public_key = bytes.fromhex(str(key_row[0]))
        prev = GENESIS_HASH
        for expected_seq, event in enumerate(self.events(kiosk_id), start=1):
            if event.seq != expected_seq or event.prev_hash != prev:
                return False
            if not (event.hash_ok() and event.signature_ok(public_key)):
                return False
            prev = event.hash
        return True

    # -------------------------------------------------------------------------- push

    def push(
        self,
        kiosk_id: str,
        raw_events: Sequence[Mapping[str, Any]],
    ) -> PushAnswer:
        """Verify, deduplicate, order and apply one batch; one answer per event."""
        kiosk = self._kiosk(kiosk_id)
        public_key = bytes.fromhex(str(kiosk["public_key"]))
        results: list[EventResult | None] = [None] * len(raw_events)
        verified: list[_Pending] = []
        for index, raw in enumerate(raw_events):
            try:
                event = SignedEvent.from_dict(raw)
            except ValueError:
                results[index] = EventResult(
                    str(raw.get("event_id", "")),
                    _int(raw.get("seq")),
                    PushStatus.INVALID,
                    InvalidReason.MALFORMED_EVENT,
                )
                continue
            reason: InvalidReason | None = None
            if event.kiosk_id != kiosk_id:
                reason = InvalidReason.WRONG_KIOSK
            elif not event.hash_ok():
                reason = InvalidReason.HASH_MISMATCH
            elif not event.signature_ok(public_key):
                reason = InvalidReason.BAD_SIGNATURE
            if reason is not None:
                results[index] = EventResult(event.event_id, event.seq, PushStatus.INVALID, reason)
            else:
                verified.append(_Pending(index, event))
        for attempt in range(RETRIES):
            try:
                head, decided = self._push_transaction(kiosk_id, str(kiosk["office_id"]), verified)
                break
            except Exception as exc:
                if attempt == RETRIES - 1 or not _retryable(exc):
                    raise
                log.info("push for %s retried after %s", kiosk_id, type(exc).__name__)
        for index, result in decided.items():
            results[index] = result
        return PushAnswer(kiosk_id, head, [r for r in results if r is not None])

    def _push_transaction(
        self, kiosk_id: str, office_id: str, verified: list[_Pending]
    ) -> tuple[int, dict[int, EventResult]]:
        decided: dict[int, EventResult] = {}
        now = format_timestamp(self.clock())
        with self._write() as conn:
            locked = conn.execute(
                self._for_update(
                    select(KIOSK.c.head_seq, KIOSK.c.head_hash).where(KIOSK.c.kiosk_id == kiosk_id)
                )
            ).one()
            head, head_hash = int(locked[0]), str(locked[1])
            if not verified:
                return head, decided
            ids = [p.event.event_id for p in verified]
            stored: dict[str, Mapping[str, Any]] = {}
            for chunk in _chunks(ids, 1000):
                for row in conn.execute(
                    select(EVENT.c.event_id, EVENT.c.hash, EVENT.c.status, EVENT.c.reason).where(
                        EVENT.c.event_id.in_(chunk)
                    )
                ):
                    stored[str(row.event_id)] = row._mapping
            early = self._early_events(conn, kiosk_id, head)
            link_updates: list[int] = []
            head, head_hash = _absorb_early(early, head, head_hash, link_updates)
            todo: list[_Pending] = []
            for p in verified:
                known = stored.get(p.event.event_id)
                if known is None:
                    todo.append(p)
                elif known["hash"] != p.event.hash:
                    decided[p.index] = EventResult(
                        p.event.event_id,
                        p.event.seq,
                        PushStatus.INVALID,
                        InvalidReason.EVENT_ID_REUSED,
                    )
                else:
                    decided[p.index] = EventResult(
                        p.event.event_id,
                        p.event.seq,
                        PushStatus(str(known["status"])),
                        known["reason"],
                        duplicate=True,
                    )
            todo.sort(key=lambda p: p.event.seq)
            seen_ids: set[str] = set()
            serials = sorted(
                {s for p in todo if (s := rules.card_serial(p.event.payload)) is not None}
            )
            cards = self._lock_cards(conn, serials)
            roster = self._roster(conn, {p.event.operator for p in todo if p.event.operator})
            effects = rules.Effects()
            new_rows: list[dict[str, Any]] = []
            for p in todo:
                event = p.event
                if event.event_id in seen_ids:
                    decided[p.index] = EventResult(
                        event.event_id, event.seq, PushStatus.INVALID, InvalidReason.TWICE_IN_BATCH
                    )
                    continue
                in_chain = event.seq == head + 1
                if event.seq <= head or event.seq in early:
                    decided[p.index] = EventResult(
                        event.event_id, event.seq, PushStatus.INVALID, InvalidReason.SEQUENCE_USED
                    )
                    continue
                if in_chain and event.prev_hash != head_hash:
                    decided[p.index] = EventResult(
                        event.event_id, event.seq, PushStatus.INVALID, InvalidReason.CHAIN_BROKEN
                    )
                    continue
                if not in_chain and event.event_type not in rules.EARLY_EVENT_TYPES:
                    decided[p.index] = EventResult(event.event_id, event.seq, PushStatus.GAP, None)
                    continue
                serial = rules.card_serial(event.payload)
                card = cards.get(serial) if serial else None
                decision = rules.decide(
                    event_type=event.event_type,
                    operator=event.operator,
                    payload=event.payload,
                    roster=roster,
                    card_state=None if card is None else str(card["state"]),
                )
                if decision.accepted:
                    self._collect_effects(event, decision, cards, effects, office_id)
                status = PushStatus.ACCEPTED if decision.accepted else PushStatus.REJECTED
                decided[p.index] = EventResult(event.event_id, event.seq, status, decision.reason)
                seen_ids.add(event.event_id)
                stored_row = event.to_dict()
                stored_row["payload_enc"] = self.cipher.seal_json(
                    stored_row.pop("payload"), event_aad(event.event_id)
                )
                new_rows.append(
                    {
                        **stored_row,
                        "received_at": now,
                        "status": status,
                        "reason": decision.reason,
                        "linked": in_chain,
                    }
                )
                if in_chain:
                    head, head_hash = event.seq, event.hash
                else:
                    early[event.seq] = (event.prev_hash, event.hash)
                head, head_hash = _absorb_early(early, head, head_hash, link_updates)
            # gaps stay unanswered until resent: re-mark those the head now covers
            for p in todo:
                result = decided.get(p.index)
                if result is not None and result.status is PushStatus.GAP and p.event.seq <= head:
                    decided[p.index] = EventResult(
                        p.event.event_id,
                        p.event.seq,
                        PushStatus.INVALID,
                        InvalidReason.SEQUENCE_USED,
                    )
            if new_rows:
                self._insert_events(conn, new_rows)
            if link_updates:
                conn.execute(
                    update(EVENT)
                    .where(and_(EVENT.c.kiosk_id == kiosk_id, EVENT.c.seq.in_(link_updates)))
                    .values(linked=True)
                )
            conn.execute(
                update(KIOSK)
                .where(KIOSK.c.kiosk_id == kiosk_id)
                .values(head_seq=head, head_hash=head_hash)
            )
            self._apply_effects(conn, effects)
        return head, decided

    def _insert_events(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """Bulk insert of verified events: COPY on PostgreSQL (inside the transaction,
        constraints checked as for INSERT), executemany elsewhere."""
        if not self._postgres:
            conn.execute(insert(EVENT), rows)
            return

        columns = (*STORED_FIELDS, "received_at", "status", "reason", "linked")
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            statement = f"COPY central_event ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([row[name] for name in columns])

    def _collect_effects(
        self,
        event: SignedEvent,
        decision: rules.Decision,
        cards: dict[str, dict[str, Any]],
        effects: rules.Effects,
        kiosk_office: str,
    ) -> None:
        payload = event.payload
        serial = rules.card_serial(payload)
        office = cards.get(serial, {}).get("office_id") if serial else None
        office = office or kiosk_office
        if serial is not None and decision.card_state is not None:
            card = cards.get(serial)
            if card is None:
                card = {
                    "serial": serial,
                    "office_id": str(
                        payload.get("office_id") or payload.get("photo_office_id") or kiosk_office
                    ),
                    "holder_id": payload.get("holder_id"),
                    "product_number": payload.get("product_number"),
                    "data": {k: payload[k] for k in NEW_CARD_FIELDS if payload.get(k) is not None},
                    "_new": True,
                }
                cards[serial] = card
            card["state"] = decision.card_state
            effects.cards[serial] = card
        holder_id = payload.get("holder_id")
        if event.event_type.startswith("holder.") and isinstance(holder_id, str):
            data = payload.get("data")
            effects.holders[holder_id] = {
                "office_id": str(payload.get("office_id") or office or ""),
                "data": dict(data) if isinstance(data, dict) else {},
            }
        order_id = payload.get("order_id")
        if event.event_type.startswith("order.") and not isinstance(order_id, str):
            order_id = event.event_id  # one order per order event
        if event.event_type.startswith(
            ("order.", EventType.CARD_ORDERED, EventType.CARD_REORDERED)
        ) and (isinstance(order_id, str)):
            data = payload.get("data")
            effects.orders[order_id] = {
                "office_id": str(payload.get("office_id") or office or ""),
                "card_serial": serial,
                "data": dict(data) if isinstance(data, dict) else dict(payload),
            }

    def _apply_effects(self, conn: Connection, effects: rules.Effects) -> None:
        total = len(effects.cards) + len(effects.holders) + len(effects.orders)
        if not total:
            return
        change = self._allocate(conn, total)
        new_cards: list[dict[str, Any]] = []
        for serial, card in effects.cards.items():
            clear, sealed, _ = self.cipher.split(card.get("data") or {}, card_aad(serial))
            values = {
                "office_id": card["office_id"],
                "holder_id": card.get("holder_id"),
                "product_number": card.get("product_number"),
                "state": card["state"],
                "data": clear,
                # a stored card's data arrives here without its sealed part: keep it
                "personal_enc": sealed if sealed is not None else card.get("personal_enc"),
                "change_id": change,
            }
            change += 1
            if card.pop("_new", False):
                new_cards.append({"serial": serial, **values})
            else:
                conn.execute(update(CARD).where(CARD.c.serial == serial).values(**values))
        if new_cards:
            conn.execute(insert(CARD), new_cards)
        for holder_id, holder in effects.holders.items():
            values = self._holder_values(holder_id, holder["office_id"], holder["data"])
            self._upsert(conn, HOLDER, "holder_id", holder_id, values, change_id=change)
            change += 1
        for order_id, order in effects.orders.items():
            clear, sealed, _ = self.cipher.split(order["data"], order_aad(order_id))
            values = {**order, "data": clear, "personal_enc": sealed}
            self._upsert(conn, ORDER, "order_id", order_id, values, change_id=change)
            change += 1

    # -------------------------------------------------------------------------- pull

    def pull_json(self, kiosk_id: str, cursor: int, limit: int = 20_000) -> str:
        """Changes for the kiosk's office after ``cursor`` as the wire JSON text.

        ``{"cursor", "more", "tables": {entity: {"columns": [...], "rows": [[...]]}}}``.
        The upper bound is the committed change counter: every change id up to it is
        committed (ids are allocated under the counter row lock until commit), so the
        new cursor never passes a change that is not visible yet. Each table gives at
        most ``limit`` rows; when a table has more, the page ends at the smallest
        ``limit``-th change id among the full tables. The database builds the row
        arrays itself (json_agg / json_group_array), so a page costs no Python per row.
        """
        kiosk = self._kiosk(kiosk_id)
        office = str(kiosk["office_id"])
        limit = max(1, min(limit, MAX_PULL))
        with self.engine.connect() as conn:
            high = int(
                conn.execute(
                    select(COUNTER.c.value).where(COUNTER.c.name == CHANGE_COUNTER)
                ).scalar_one()
            )
            cut: int | None = None
            for entity, _columns in PULL_TABLES:
                table_name = PULL_TABLE_NAMES[entity]
                where = self._pull_where(entity)
                row = conn.exec_driver_sql(
                    f"SELECT change_id FROM {table_name} WHERE {where} "  # noqa: S608 (constant names)
                    f"ORDER BY change_id LIMIT 1 OFFSET {limit - 1}",
                    self._pull_params(cursor, high, office),
                ).first()
                if row is not None:
                    cut = int(row[0]) if cut is None else min(cut, int(row[0]))
            upper = high if cut is None else cut
            parts: list[str] = []
            for entity, columns in PULL_TABLES:
                table_name = PULL_TABLE_NAMES[entity]
                where = self._pull_where(entity)
                params = self._pull_params(cursor, upper, office)
                if entity in SEALED_AAD:
                    # rows without personal fields: built by the database; rows with
                    # them: their sealed part opened here (see _sealed_rows)
                    text = conn.exec_driver_sql(
                        self._pull_rows_sql(
                            table_name, columns, where + " AND personal_enc IS NULL"
                        ),
                        params,
                    ).scalar_one()
                    text = _join_arrays(
                        text,
                        self._sealed_rows(
                            conn,
                            entity=entity,
                            table_name=table_name,
                            columns=columns,
                            where=where,
                            params=params,
                        ),
                    )
                else:
                    text = conn.exec_driver_sql(
                        self._pull_rows_sql(table_name, columns, where), params
                    ).scalar_one()
                parts.append(
                    f'"{entity}":{{"columns":{json.dumps(list(columns))},"rows":{text or "[]"}}}'
                )
        new_cursor = max(cursor, upper)
        more = "true" if cut is not None else "false"
        return f'{{"cursor":{new_cursor},"more":{more},"tables":{{{",".join(parts)}}}}}'

    def _pull_where(self, entity: str) -> str:
        mark = "%(" if self._postgres else ":"
        end = ")s" if self._postgres else ""
        where = f"change_id > {mark}low{end} AND change_id <= {mark}high{end}"
        if entity != "operator":
            where += f" AND office_id = {mark}office{end}"
        return where

    @staticmethod
    def _pull_params(low: int, high: int, office: str) -> dict[str, Any]:
        return {"low": low, "high": high, "office": office}

    def _pull_rows_sql(self, table_name: str, columns: Sequence[str], where: str) -> str:
        names = ", ".join(columns)
        if self._postgres:
            return (
                f"SELECT coalesce(json_agg(json_build_array({names}) ORDER BY change_id), "  # noqa: S608
                f"'[]')::text FROM {table_name} WHERE {where}"
            )
        values = ", ".join("json(data)" if c == "data" else c for c in columns)
        return (
            f"SELECT json_group_array(json_array({values})) FROM "  # noqa: S608 (constant names)
            f"(SELECT {names} FROM {table_name} WHERE {where} ORDER BY change_id)"
        )

    def _sealed_rows(
        self,
        conn: Connection,
        *,
        entity: str,
        table_name: str,
        columns: Sequence[str],
        where: str,
        params: Mapping[str, Any],
    ) -> list[str]:
        """Wire rows (JSON arrays as text) of the rows that have personal fields: the
        clear ``data`` text and the opened personal JSON object are merged as text
        (they share no key), so a row costs one AES-GCM decryption and no JSON parse.
        ``data`` is the last wire column of every sealed entity."""
        assert columns[-1] == "data"
        head = ", ".join(columns[:-1])
        data_text = "data::text" if self._postgres else "json(data)"
        rows = conn.exec_driver_sql(
            f"SELECT {head}, {data_text}, personal_enc FROM {table_name} "  # noqa: S608
            f"WHERE {where} AND personal_enc IS NOT NULL",
            dict(params),
        ).all()
        aad = SEALED_AAD[entity]
        open_ = self.cipher.open
        dumps = json.dumps
        out: list[str] = []
        for row in rows:
            *values, clear_text, blob = row
            personal = open_(blob, aad(str(values[1]))).decode("utf-8")
            body = str(clear_text or "{}").strip()[1:-1].strip()
            merged = "{" + body + ("," if body else "") + personal[1:]
            out.append(dumps(values)[:-1] + "," + merged + "]")
        return out

    def pull(self, kiosk_id: str, cursor: int, limit: int = 20_000) -> PullAnswer:
        """:meth:`pull_json` decoded into :class:`Change` objects, oldest first."""
        page = json.loads(self.pull_json(kiosk_id, cursor, limit))
        changes: list[Change] = []
        for entity, table in page["tables"].items():
            columns = table["columns"]
            for values in table["rows"]:
                data = dict(zip(columns, values, strict=True))
                change_id = int(data.pop("change_id"))
                key = str(data.pop(columns[1]))
                changes.append(Change(change_id, entity, key, data))
        changes.sort(key=lambda c: c.change_id)
        return PullAnswer(int(page["cursor"]), bool(page["more"]), changes)

    # ----------------------------------------------------------------------- helpers

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

    def check_kiosk_certificate(
        self, kiosk_id: str, fingerprint: str | None, *, required: bool
    ) -> None:
        """The TLS client certificate (SHA-256 of its DER) must be the one registered
        for the kiosk; without a certificate, only when none is required."""
        kiosk = self._kiosk(kiosk_id)
        registered = kiosk["cert_fingerprint"]
        if fingerprint is None:
            if required:
                raise WrongKioskCertificateError(kiosk_id=kiosk["kiosk_id"])
            return
        if registered is None or registered != fingerprint.lower():
            raise WrongKioskCertificateError(kiosk_id=kiosk["kiosk_id"])

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
        cards: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted(serials), 1000):
            query = self._for_update(
                select(CARD).where(CARD.c.serial.in_(chunk)).order_by(CARD.c.serial)
            )
            for row in conn.execute(query):
                cards[str(row.serial)] = dict(row._mapping)
        return cards

    def _roster(self, conn: Connection, hsa_ids: set[str]) -> dict[str, rules.RosterEntry]:
        roster: dict[str, rules.RosterEntry] = {}
        for chunk in _chunks(sorted(hsa_ids), 1000):
            for row in conn.execute(select(OPERATOR).where(OPERATOR.c.hsa_id.in_(chunk))):
                roster[str(row.hsa_id)] = rules.RosterEntry(
                    str(row.hsa_id), str(row.role), str(row.office_id), bool(row.active)
                )
        return roster

    def _early_events(
        self, conn: Connection, kiosk_id: str, head: int
    ) -> dict[int, tuple[str, str]]:
        """Events stored ahead of the chain head (blocks pushed first): seq → hashes."""
        rows = conn.execute(
            select(EVENT.c.seq, EVENT.c.prev_hash, EVENT.c.hash).where(
                and_(EVENT.c.kiosk_id == kiosk_id, EVENT.c.seq > head)
            )
        )
        return {int(r.seq): (str(r.prev_hash), str(r.hash)) for r in rows}


NEW_CARD_FIELDS = (
    "photo_office_id",
    "photo_date",
    "order_date",
    "shipment_method",
    "with_photo",
    "sis_marked",
    "assurance_level",
    "is_reserve",
)

PULL_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(PULL_COLUMNS.items())
PULL_TABLE_NAMES = {
    "holder": "central_holder",
    "operator": "central_operator",
    "card": "central_card",
    "order": "central_order",
    "puk": "central_puk_entry",
}

SEALED_AAD: dict[str, Callable[[str], bytes]] = {
    "holder": holder_aad,
    "card": card_aad,
    "order": order_aad,
}

SIGNED_FIELDS = (*HASHED_FIELDS, "hash", "signature")


# the stored columns of an event: the signed fields with the payload sealed
STORED_FIELDS = tuple("payload_enc" if name == "payload" else name for name in SIGNED_FIELDS)


def _join_arrays(text: str | None, rows: list[str]) -> str:
    """A JSON array text from the database plus more row texts."""
    base = (text or "[]").strip()
    if not rows:
        return base
    if base == "[]":
        return "[" + ",".join(rows) + "]"
    return base[:-1] + "," + ",".join(rows) + "]"


def _absorb_early(
    early: dict[int, tuple[str, str]], head: int, head_hash: str, link_updates: list[int]
) -> tuple[int, str]:
    """Advance the chain head over early events (blocks pushed ahead) that now link to
    it: each is taken out of ``early`` and its seq added to ``link_updates``."""
    while head + 1 in early and early[head + 1][0] == head_hash:
        head, head_hash = head + 1, early.pop(head + 1)[1]
        link_updates.append(head)
    return head, head_hash


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _invalid(event: SignedEvent, reason: InvalidReason) -> EventResult:
    return EventResult(event.event_id, event.seq, PushStatus.INVALID, reason)


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return 0


def _retryable(exc: BaseException) -> bool:
    """Unique-key races, deadlocks and serialisation failures: run the batch again."""
    if isinstance(exc, IntegrityError):
        return True
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(original, "sqlstate", None)
    return code in {"23505", "40001", "40P01"} or "database is locked" in str(original)

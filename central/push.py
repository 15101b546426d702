"""Push: verify, deduplicate, order and apply one batch of a kiosk's signed events.

Signatures are checked before any lock (``central.push_verify``), with the kiosk's key
as this process last read it; the batch then runs in one transaction that first locks
the kiosk's row (``SELECT ... FOR UPDATE``): a kiosk deactivated meanwhile is refused, one
re-keyed or moved is verified again with the stored key; two processes serving the
same kiosk serialise; card rows the batch touches are locked in serial order; change
ids are taken last (``CentralAccess._allocate``). A batch re-delivered after its commit
(connection cut before the kiosk heard the answer) finds its event ids stored and gets
the same answers again, nothing applied twice. A block (``card.blocked``) ahead of the
chain head is accepted and linked when the head reaches it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from central import rules
from central.access import CentralAccess
from central.checkpoints import PUSHED_FORK, insert_fork_alarm
from central.errors import UnknownKioskError
from central.fields import NONCE_BYTES, card_aad, holder_aad, order_aad
from central.hot_sql import HotSql
from central.outside_register import link_outside_block, match_outside_blocks, same_block
from central.production import set_order_states
from central.push_verify import Pending, invalid, verify_batch
from central.tables import (
    CARD,
    EVENT,
    HOLDER,
    ORDER,
    STORED_FIELDS,
    chunks,
    stored_event,
)
from protocol.event_format import format_timestamp
from protocol.wire import EventResult, InvalidReason, PushAnswer, PushStatus

log = logging.getLogger(__name__)

RETRIES = 5


class PushOperations(CentralAccess):
    """Receiving a kiosk's events."""

    def push(
        self,
        kiosk_id: str,
        raw_events: Sequence[Mapping[str, Any]],
    ) -> PushAnswer:
        """Verify, deduplicate, order and apply one batch; one answer per event."""
        for _ in range(RETRIES):
            public_key, office_id = self._kiosk_key(kiosk_id)
            try:
                return self._verified_push(kiosk_id, public_key, office_id, raw_events)
            except _KioskChangedError:
                # re-keyed or moved since it was cached: verify again with what is stored
                self._kiosk_keys.pop(kiosk_id, None)
                log.info("push for %s verified again: its kiosk row changed", kiosk_id)
        raise RuntimeError(f"kiosk {kiosk_id} changed during each of {RETRIES} pushes")

    def _verified_push(
        self,
        kiosk_id: str,
        public_key_hex: str,
        office_id: str,
        raw_events: Sequence[Mapping[str, Any]],
    ) -> PushAnswer:
        results, verified = verify_batch(kiosk_id, bytes.fromhex(public_key_hex), raw_events)
        for attempt in range(RETRIES):
            try:
                head, head_hash, decided = self._push_transaction(
                    kiosk_id, (public_key_hex, office_id), verified
                )
                break
            except Exception as exc:
                if attempt == RETRIES - 1 or not _retryable(exc):
                    raise
                log.info("push for %s retried after %s", kiosk_id, type(exc).__name__)
        for index, result in decided.items():
            results[index] = result
        return PushAnswer(
            kiosk_id,
            head,
            [r for r in results if r is not None],
            self._checkpoint(kiosk_id, head, head_hash, kiosk_key=public_key_hex),
        )

    def _push_transaction(
        self, kiosk_id: str, verified_with: tuple[str, str], verified: list[Pending]
    ) -> tuple[int, str, dict[int, EventResult]]:
        """``verified_with``: the (public key hex, office id) the signatures were checked
        with; :class:`_KioskChangedError` when the locked kiosk row no longer says so."""
        decided: dict[int, EventResult] = {}
        now = format_timestamp(self.clock())
        office_id = verified_with[1]
        with self._write() as conn:
            sql = HotSql(conn, postgres=self._postgres)
            found = sql.rows(
                "SELECT head_seq, head_hash, public_key, office_id, active FROM central_kiosk"
                " WHERE kiosk_id = %s",
                (kiosk_id,),
                lock=True,
            )
            if not found or not found[0][4]:
                self._kiosk_keys.pop(kiosk_id, None)
                raise UnknownKioskError(kiosk_id=kiosk_id)
            head_seq, head_hash, public_key, locked_office, _active = found[0]
            if (str(public_key), str(locked_office)) != verified_with:
                raise _KioskChangedError
            head, head_hash = int(head_seq), str(head_hash)
            if not verified:
                return head, head_hash, decided
            stored, early = self._known_events(
                sql, kiosk_id, head, [p.event.event_id for p in verified]
            )
            link_updates: list[int] = []
            head, head_hash = _absorb_early(early, head, head_hash, link_updates)
            todo: list[Pending] = []
            for p in verified:
                known = stored.get(p.event.event_id)
                if known is None:
                    todo.append(p)
                elif known["hash"] != p.event.hash:
                    decided[p.index] = invalid(p.event, InvalidReason.EVENT_ID_REUSED)
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
            outside = match_outside_blocks(conn, [p.event for p in todo])
            new_rows: list[dict[str, Any]] = []
            # the sealing nonces of the batch in one read of the random source, not one each
            nonces = os.urandom(NONCE_BYTES * len(todo))
            for number, p in enumerate(todo):
                event = p.event
                if event.event_id in seen_ids:
                    decided[p.index] = invalid(event, InvalidReason.TWICE_IN_BATCH)
                    continue
                in_chain = event.seq == head + 1
                if event.seq <= head or event.seq in early:
                    decided[p.index] = invalid(event, InvalidReason.SEQUENCE_USED)
                    continue
                if in_chain and event.prev_hash != head_hash:
                    decided[p.index] = invalid(event, InvalidReason.CHAIN_BROKEN)
                    continue
                if not in_chain and event.event_type not in rules.EARLY_EVENT_TYPES:
                    decided[p.index] = EventResult(event.event_id, event.seq, PushStatus.GAP, None)
                    continue
                serial = rules.card_serial(event.payload)
                card = cards.get(serial) if serial else None
                earlier = outside.get(event.event_id)
                if earlier is not None and not same_block(earlier, event):
                    decided[p.index] = invalid(event, InvalidReason.EVENT_ID_REUSED)
                    continue
                if earlier is not None:  # received outside the chain: decided and applied then
                    decision = rules.Decision(earlier["status"] == "accepted", earlier["reason"])
                    link_outside_block(conn, event.event_id, event.seq)
                else:
                    decision = rules.judge(
                        event_type=event.event_type,
                        operator=event.operator,
                        payload=event.payload,
                        roster=roster,
                        card_state=None if card is None else str(card["state"]),
                        kiosk_office=office_id,
                    )
                if decision.accepted and earlier is None:
                    rules.collect_effects(event, decision, cards, effects, office_id)
                status = PushStatus.ACCEPTED if decision.accepted else PushStatus.REJECTED
                decided[p.index] = EventResult(event.event_id, event.seq, status, decision.reason)
                seen_ids.add(event.event_id)
                nonce = nonces[number * NONCE_BYTES : (number + 1) * NONCE_BYTES]
                stored_row = stored_event(event, self.cipher, p.canonical_payload, nonce)
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
                    decided[p.index] = invalid(p.event, InvalidReason.SEQUENCE_USED)
            if new_rows:
                self._insert_events(conn, new_rows)
            if link_updates:
                conn.execute(
                    update(EVENT)
                    .where(and_(EVENT.c.kiosk_id == kiosk_id, EVENT.c.seq.in_(link_updates)))
                    .values(linked=True)
                )
            sql.run(
                "UPDATE central_kiosk SET head_seq = %s, head_hash = %s WHERE kiosk_id = %s",
                (head, head_hash, kiosk_id),
            )
            self._apply_effects(conn, effects)
            self._record_pushed_fork(conn, kiosk_id, todo, decided)
        return head, head_hash, decided

    def _record_pushed_fork(
        self,
        conn: Connection,
        kiosk_id: str,
        todo: list[Pending],
        decided: dict[int, EventResult],
    ) -> None:
        """A new event at a seq the chain holds, or one that does not link to the head:
        the kiosk's journal forked from what the central holds. One alarm per batch (the
        first such seq), in the batch's transaction."""
        forked = [
            p.event
            for p in todo
            if decided[p.index].reason in (InvalidReason.SEQUENCE_USED, InvalidReason.CHAIN_BROKEN)
        ]
        if not forked:
            return
        first = min(forked, key=lambda e: e.seq)
        stored = conn.execute(
            select(EVENT.c.hash).where(EVENT.c.kiosk_id == kiosk_id, EVENT.c.seq == first.seq)
        ).scalar_one_or_none()
        if stored == first.hash:
            return
        insert_fork_alarm(
            conn,
            detected_at=format_timestamp(self.clock()),
            kiosk_id=kiosk_id,
            kind=PUSHED_FORK,
            seq=first.seq,
            central_hash=None if stored is None else str(stored),
            kiosk_hash=first.hash,
        )

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

    def _apply_effects(self, conn: Connection, effects: rules.Effects) -> None:
        renamed = self._renamed_holders(conn, effects.renamed_holders)
        total = len(effects.cards) + len(effects.holders) + len(renamed) + len(effects.orders)
        if not total and not effects.activated_orders:
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
        for holder_id, holder in [*effects.holders.items(), *renamed.items()]:
            values = self._holder_values(holder_id, holder["office_id"], holder["data"])
            self._upsert(conn, HOLDER, "holder_id", holder_id, values, change_id=change)
            change += 1
        for order_id, order in effects.orders.items():
            clear, sealed, _ = self.cipher.split(order["data"], order_aad(order_id))
            state = order.get("state") or clear.get("state")
            values = {**order, "state": state, "data": clear, "personal_enc": sealed}
            self._upsert(conn, ORDER, "order_id", order_id, values, change_id=change)
            change += 1
        if effects.activated_orders:
            set_order_states(conn, self, sorted(effects.activated_orders), "activated")

    def _renamed_holders(
        self, conn: Connection, names: Mapping[str, str]
    ) -> dict[str, dict[str, Any]]:
        """The stored holders of ``names`` (holder id → new name) with the new name, as
        holder effects; a holder the central does not know is left out."""
        renamed: dict[str, dict[str, Any]] = {}
        for holder_id, name in sorted(names.items()):
            query = select(HOLDER.c.office_id, HOLDER.c.data, HOLDER.c.personal_enc).where(
                HOLDER.c.holder_id == holder_id
            )
            row = conn.execute(self._for_update(query)).first()
            if row is None:
                continue
            data = self.cipher.join(row.data or {}, row.personal_enc, holder_aad(holder_id))
            renamed[holder_id] = {"office_id": row.office_id, "data": {**data, "name": name}}
        return renamed

    def _known_events(
        self, sql: HotSql, kiosk_id: str, head: int, ids: list[str]
    ) -> tuple[dict[str, Mapping[str, Any]], dict[int, tuple[str, str]]]:
        """The stored events among ``ids`` (by event id: hash, status, reason) and the
        kiosk's events stored ahead of the chain head (blocks pushed first: seq → prev
        hash and hash), in one read (on SQLite, one per thousand ids)."""
        stored: dict[str, Mapping[str, Any]] = {}
        early: dict[int, tuple[str, str]] = {}
        wanted = set(ids)
        size = max(len(ids), 1) if self._postgres else 1000  # an array parameter: no limit
        for number, chunk in enumerate(list(chunks(ids, size)) or [[]]):
            among, params = sql.among("event_id", chunk)
            if number == 0:
                among, params = (
                    f"{among} OR (kiosk_id = %s AND seq > %s)",
                    [*params, kiosk_id, head],
                )
            query = "SELECT event_id, kiosk_id, seq, prev_hash, hash, status, reason"
            for event_id, kiosk, seq, prev_hash, hash_, status, reason in sql.rows(
                f"{query} FROM central_event WHERE {among}", params
            ):
                if event_id in wanted:
                    stored[str(event_id)] = {"hash": hash_, "status": status, "reason": reason}
                if kiosk == kiosk_id and seq > head:
                    early[int(seq)] = (str(prev_hash), str(hash_))
        return stored, early


def _absorb_early(
    early: dict[int, tuple[str, str]], head: int, head_hash: str, link_updates: list[int]
) -> tuple[int, str]:
    """Advance the chain head over early events (blocks pushed ahead) that now link to
    it: each is taken out of ``early`` and its seq added to ``link_updates``."""
    while head + 1 in early and early[head + 1][0] == head_hash:
        head, head_hash = head + 1, early.pop(head + 1)[1]
        link_updates.append(head)
    return head, head_hash


class _KioskChangedError(Exception):
    """The kiosk row, read under its lock, is not the one the batch was verified with."""


def _retryable(exc: BaseException) -> bool:
    """Unique-key races, deadlocks, serialisation failures and a connection lost (the
    pool is renewed; the batch is idempotent by event id): run the batch again."""
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(original, "sqlstate", None)
    return code in {"23505", "40001", "40P01"} or "database is locked" in str(original)

"""Blocks received outside the chain (R9, issue 17): ``POST /v1/blocks``.

A kiosk whose journal is diverged pushes nothing into its chain, so a block written
there would wait until a technician repaired the journal while the card stays usable
everywhere else. The kiosk sends its pending ``card.blocked`` events, signed as they
are, here instead: each is checked on its own (kiosk id, type, its own hash and its
signature with the kiosk's registered key; no link to any chain), decided by the same
rules as a push (``central.rules.judge``: payload, operator, roster, office), applied
to the card register and stored in ``central_outside_block``. Sent twice, applied once.

When the kiosk recovers, its replay writes the block again with its original event id
(new seq and hash) and pushes it in the chain: :func:`match_outside_blocks` finds it
here, the push records it with the first decision and does not apply it again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert, select

from central import rules
from central.push import RETRIES, PushOperations, _retryable
from central.push_verify import invalid
from central.tables import EVENT, KIOSK, OUTSIDE_BLOCK, chunks, stored_event
from protocol.event_format import SignedEvent, canonical_json, format_timestamp
from protocol.outside_chain import OutsideChainAnswer
from protocol.wire import EventResult, InvalidReason, PushStatus

log = logging.getLogger(__name__)


class OutsideChainOperations(PushOperations):
    """Receiving a diverged kiosk's blocks outside its chain."""

    def push_blocks(
        self, kiosk_id: str, raw_events: Sequence[Mapping[str, Any]]
    ) -> OutsideChainAnswer:
        kiosk = self._kiosk(kiosk_id)
        public_key = bytes.fromhex(str(kiosk["public_key"]))
        results: list[EventResult] = []
        verified: list[tuple[int, SignedEvent]] = []
        for raw in raw_events:
            try:
                event = SignedEvent.from_dict(raw)
            except ValueError:
                results.append(
                    EventResult(
                        str(raw.get("event_id", "")),
                        0,
                        PushStatus.INVALID,
                        InvalidReason.MALFORMED_EVENT,
                    )
                )
                continue
            reason = _invalid_reason(event, kiosk_id, public_key)
            if reason is not None:
                results.append(invalid(event, reason))
                continue
            verified.append((len(results), event))
            results.append(EventResult(event.event_id, event.seq, PushStatus.INVALID, None))
        for attempt in range(RETRIES):
            try:
                decided = self._blocks_transaction(kiosk_id, str(kiosk["office_id"]), verified)
                break
            except Exception as exc:
                if attempt == RETRIES - 1 or not _retryable(exc):
                    raise
                log.info(
                    "outside-chain blocks of %s retried after %s", kiosk_id, type(exc).__name__
                )
        for index, result in decided.items():
            results[index] = result
        return OutsideChainAnswer(kiosk_id, results)

    def _blocks_transaction(
        self, kiosk_id: str, office_id: str, verified: list[tuple[int, SignedEvent]]
    ) -> dict[int, EventResult]:
        decided: dict[int, EventResult] = {}
        if not verified:
            return decided
        now = format_timestamp(self.clock())
        with self._write() as conn:
            # the kiosk's row first, as a push takes it: a push of the same block in the
            # chain and this one serialise
            conn.execute(
                self._for_update(select(KIOSK.c.head_seq).where(KIOSK.c.kiosk_id == kiosk_id))
            ).one()
            ids = [event.event_id for _, event in verified]
            known: dict[str, Mapping[str, Any]] = {}
            for table in (OUTSIDE_BLOCK, EVENT):  # sent outside before, or already in the chain
                for chunk in chunks(ids, 1000):
                    for row in conn.execute(
                        select(
                            table.c.event_id, table.c.hash, table.c.status, table.c.reason
                        ).where(table.c.event_id.in_(chunk))
                    ):
                        known.setdefault(str(row.event_id), row._mapping)
            serials = sorted({s for _, e in verified if (s := rules.card_serial(e.payload))})
            cards = self._lock_cards(conn, serials)
            roster = self._roster(conn, {e.operator for _, e in verified if e.operator})
            effects = rules.Effects()
            rows: list[dict[str, Any]] = []
            for index, event in verified:
                stored = known.get(event.event_id)
                if stored is not None:
                    decided[index] = _answer_again(event, stored)
                    continue
                serial = rules.card_serial(event.payload)
                card = cards.get(serial) if serial else None
                decision = rules.judge(
                    event_type=event.event_type,
                    operator=event.operator,
                    payload=event.payload,
                    roster=roster,
                    card_state=None if card is None else str(card["state"]),
                    kiosk_office=office_id,
                )
                if decision.accepted:
                    rules.collect_effects(event, decision, cards, effects, office_id)
                status = PushStatus.ACCEPTED if decision.accepted else PushStatus.REJECTED
                decided[index] = EventResult(event.event_id, event.seq, status, decision.reason)
                known[event.event_id] = {
                    "hash": event.hash,
                    "status": status,
                    "reason": decision.reason,
                }
                row = stored_event(event, self.cipher, canonical_json(event.payload))
                row.update(received_at=now, status=status, reason=decision.reason, serial=serial)
                rows.append(row)
            if rows:
                conn.execute(insert(OUTSIDE_BLOCK), rows)
            self._apply_effects(conn, effects)
        return decided


def _invalid_reason(event: SignedEvent, kiosk_id: str, public_key: bytes) -> InvalidReason | None:
    """Why an event sent outside the chain is not taken: each is checked on its own."""
    if event.kiosk_id != kiosk_id:
        return InvalidReason.WRONG_KIOSK
    if event.event_type != rules.BLOCK_EVENT:
        return InvalidReason.NOT_A_BLOCK
    if not event.hash_ok():
        return InvalidReason.HASH_MISMATCH
    if not event.signature_ok(public_key):
        return InvalidReason.BAD_SIGNATURE
    return None


def _answer_again(event: SignedEvent, stored: Mapping[str, Any]) -> EventResult:
    """A block the central holds already (outside or in the chain): its first answer."""
    if stored["hash"] != event.hash:
        return invalid(event, InvalidReason.EVENT_ID_REUSED)
    return EventResult(
        event.event_id,
        event.seq,
        PushStatus(str(stored["status"])),
        stored["reason"],
        duplicate=True,
    )

"""The day report's numbers, from one day's journal events and the open deadlines.

The day is the office's calendar day (Europe/Stockholm); its bounds are turned into
journal timestamps (UTC text, which sorts like time), so only that day's rows are read
and decrypted.

Journal conventions read here:

* every event type except system ones (``kiosk.``, ``sync.``, ``system.``, ``audit.``,
  ``receipt.``, ``demo.``) and refusals counts as an action, per type and per operator
  (named from the roster);
* ``refusal`` events (:data:`REFUSAL_EVENT`): ``payload["reason"]`` is the catalogue key
  of the refusing error (``"error.activation.wrong_office"``), optionally
  ``payload["action"]``; counted per reason;
* ``card.blocked``: ``serial``/``card_serial`` and ``reason``; listed with the central's
  answer (sync status ``pending`` / ``accepted`` / ``rejected`` and its reason); blocks of
  earlier days that the central has not accepted yet are listed too (``open_blocks``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from clock import LOCAL_ZONE
from kiosk.receipts.facts import RECEIPT_EVENTS, event_card_serial
from protocol.event_format import format_timestamp
from protocol.event_types import EventType
from store.cards import registered_office_name
from store.database import Store
from store.deadlines import open_deadlines_due
from store.holders import operator_name
from store.journal_reads import StoredEvent, events_between, unaccepted_before

REFUSAL_EVENT = EventType.REFUSAL
BLOCK_EVENT = EventType.CARD_BLOCKED
SYSTEM_PREFIXES = ("kiosk.", "sync.", "system.", "audit.", "receipt.", "demo.")
DEADLINE_HORIZON_DAYS = 30


@dataclass(frozen=True)
class BlockLine:
    occurred_at: str
    serial: str
    reason: str
    sync_status: str
    sync_reason: str | None


@dataclass(frozen=True)
class OperatorCount:
    hsa_id: str
    name: str  # from the roster; empty where the roster has no name
    count: int


@dataclass(frozen=True)
class DeadlineLine:
    due: dt.date
    kind: str
    serial: str


@dataclass(frozen=True)
class ReceiptLine:
    """One of the day's events that has a receipt: the clerk reprints it from the list."""

    event_id: str
    at: dt.datetime  # local time
    event_type: str
    serial: str
    operator: str  # the operator's name from the roster, else the HSA-id


@dataclass(frozen=True)
class DayReport:
    day: dt.date
    office_id: str
    office_name: str
    event_count: int
    actions: tuple[tuple[str, int], ...]  # (event type, count), most first
    operators: tuple[OperatorCount, ...]  # most actions first
    refusals: tuple[tuple[str, int], ...]  # (reason key, count)
    blocks: tuple[BlockLine, ...]
    deadlines: tuple[DeadlineLine, ...]
    open_blocks: tuple[BlockLine, ...] = ()  # earlier days, not accepted by the central yet
    receipts: tuple[ReceiptLine, ...] = ()  # the day's events with a receipt, oldest first


def day_bounds(day: dt.date) -> tuple[str, str]:
    """The office's calendar day as a half-open range of journal timestamps."""
    start = dt.datetime.combine(day, dt.time(), LOCAL_ZONE)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), LOCAL_ZONE)
    return format_timestamp(start), format_timestamp(end)


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def block_line(stored: StoredEvent) -> BlockLine:
    reason = stored.event.payload.get("reason")
    return BlockLine(
        occurred_at=stored.event.occurred_at,
        serial=event_card_serial(stored.event.payload) or "-",
        reason=reason if isinstance(reason, str) else "-",
        sync_status=stored.sync_status,
        sync_reason=stored.sync_reason,
    )


def build_day_report(store: Store, *, day: dt.date, office_id: str) -> DayReport:
    """Read the day's events and the open deadlines due within 30 days of ``day``."""
    start, end = day_bounds(day)
    actions: Counter[str] = Counter()
    operators: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    blocks: list[BlockLine] = []
    with_receipt: list[StoredEvent] = []
    count = 0
    with store.unit_of_work() as tx:
        for stored in events_between(tx, store.cipher, start, end):
            count += 1
            event = stored.event
            kind = event.event_type
            if kind == REFUSAL_EVENT:
                reason = event.payload.get("reason")
                refusals[reason if isinstance(reason, str) and reason else "unknown"] += 1
                continue
            if kind.startswith(SYSTEM_PREFIXES):
                continue
            actions[kind] += 1
            if event.operator:
                operators[event.operator] += 1
            if kind == BLOCK_EVENT:
                blocks.append(block_line(stored))
            if kind in RECEIPT_EVENTS:
                with_receipt.append(stored)
        open_blocks = tuple(
            block_line(stored) for stored in unaccepted_before(tx, store.cipher, BLOCK_EVENT, start)
        )
        horizon = day + dt.timedelta(days=DEADLINE_HORIZON_DAYS)
        due = open_deadlines_due(tx, first=day, last=horizon)
        office_name = registered_office_name(tx, office_id)
        named = tuple(
            OperatorCount(hsa_id, operator_name(tx, store.cipher, hsa_id) or "", count)
            for hsa_id, count in _ranked(operators)
        )
        receipts = tuple(_receipt_line(tx, store, stored) for stored in with_receipt)
    return DayReport(
        day=day,
        office_id=office_id,
        office_name=office_name or "",
        event_count=count,
        actions=_ranked(actions),
        operators=named,
        refusals=_ranked(refusals),
        blocks=tuple(blocks),
        deadlines=tuple(DeadlineLine(d.due_date, d.kind, d.card_serial) for d in due),
        open_blocks=open_blocks,
        receipts=tuple(sorted(receipts, key=lambda line: line.at)),
    )


def _receipt_line(tx: Any, store: Store, stored: StoredEvent) -> ReceiptLine:
    event = stored.event
    hsa_id = event.operator or ""
    name = operator_name(tx, store.cipher, hsa_id) if hsa_id else None
    return ReceiptLine(
        event_id=event.event_id,
        at=dt.datetime.fromisoformat(event.occurred_at).astimezone(LOCAL_ZONE),
        event_type=event.event_type,
        serial=event_card_serial(event.payload) or "",
        operator=name or hsa_id,
    )

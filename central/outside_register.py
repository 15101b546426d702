"""The register of blocks received outside the chain (``central_outside_block``), as the
push needs it: a recovered kiosk's block, pushed in its chain with its original event
id, is matched here and answered with its first decision (``central.outside_chain``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from central import rules
from central.tables import OUTSIDE_BLOCK, chunks
from protocol.event_format import SignedEvent


def same_block(stored: Mapping[str, Any], event: SignedEvent) -> bool:
    """The stored outside-chain block and ``event`` are one block: the replay keeps the
    event id, kiosk, type, operator, time and card; only seq and hashes change."""
    return bool(
        stored["kiosk_id"] == event.kiosk_id
        and stored["event_type"] == event.event_type
        and stored["operator"] == event.operator
        and stored["occurred_at"] == event.occurred_at
        and stored["serial"] == rules.card_serial(event.payload)
    )


def match_outside_blocks(
    conn: Connection, events: Sequence[SignedEvent]
) -> dict[str, Mapping[str, Any]]:
    """The outside-chain records of ``events`` (by event id), for the push to answer
    from instead of applying the block a second time."""
    ids = [e.event_id for e in events if e.event_type == rules.BLOCK_EVENT]
    found: dict[str, Mapping[str, Any]] = {}
    for chunk in chunks(ids, 1000):
        for row in conn.execute(
            select(
                OUTSIDE_BLOCK.c.event_id,
                OUTSIDE_BLOCK.c.kiosk_id,
                OUTSIDE_BLOCK.c.event_type,
                OUTSIDE_BLOCK.c.operator,
                OUTSIDE_BLOCK.c.occurred_at,
                OUTSIDE_BLOCK.c.serial,
                OUTSIDE_BLOCK.c.status,
                OUTSIDE_BLOCK.c.reason,
            ).where(OUTSIDE_BLOCK.c.event_id.in_(chunk))
        ):
            found[str(row.event_id)] = dict(row._mapping)
    return found


def link_outside_block(conn: Connection, event_id: str, chain_seq: int) -> None:
    """The block arrived in the chain at ``chain_seq``."""
    conn.execute(
        update(OUTSIDE_BLOCK)
        .where(OUTSIDE_BLOCK.c.event_id == event_id)
        .values(chain_seq=chain_seq)
    )

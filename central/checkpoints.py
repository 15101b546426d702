"""Checkpoints, fork alarms and a kiosk's chain handed back.

The central signs a checkpoint of a kiosk's chain head with its own Ed25519 key
(``protocol.checkpoint``) in every push and head answer. The key is a file like the
field key (``--checkpoint-key FILE``: 32 random bytes as hex, created with mode 0600
when missing, refused when group or others may read it; every process serving one
database needs the same file). A kiosk pins the public key at its first contact
(``kiosk central --show-checkpoint-key`` prints it for the kiosk's configuration).

A fork alarm is recorded when a kiosk pushes an event at a seq its chain here holds
with another hash, and when a kiosk reports that its journal diverged; the central's
operators list them with ``kiosk central --fork-alarms``. A kiosk restored from a
backup takes its own events back (:meth:`CheckpointOperations.chain_page`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from central.access import CentralAccess
from central.fields import load_or_create_key
from central.tables import EVENT, FORK_ALARM, STORED_FIELDS, event_from_stored
from protocol.checkpoint import DivergenceReport, EventsPage, public_key_hex
from protocol.event_format import format_timestamp

CHECKPOINT_KEY_BYTES = 32
#: a pushed event at a seq the chain holds with another hash
PUSHED_FORK = "pushed fork"


def load_or_create_checkpoint_key(path: str | Path) -> Ed25519PrivateKey:
    """The central's checkpoint signing key from ``path`` (created, mode 0600, when
    missing); ``central.fields.CentralKeyFileError`` for an unusable file."""
    seed = load_or_create_key(path, size=CHECKPOINT_KEY_BYTES)
    return Ed25519PrivateKey.from_private_bytes(seed)


def checkpoint_public_key(key: Ed25519PrivateKey) -> str:
    """The hex a kiosk pins (``[kiosk.central] checkpoint_key``)."""
    return public_key_hex(key)


@dataclass(frozen=True)
class ForkAlarm:
    """One recorded fork alarm, for the central's operators."""

    kiosk_id: str
    kind: str
    seq: int
    central_hash: str | None
    kiosk_hash: str | None
    detected_at: str

    def line(self) -> str:
        return (
            f"{self.detected_at} {self.kiosk_id} {self.kind} at seq {self.seq}: "
            f"central {self.central_hash or '-'}, kiosk {self.kiosk_hash or '-'}"
        )


def insert_fork_alarm(
    conn: Connection,
    *,
    detected_at: str,
    kiosk_id: str,
    kind: str,
    seq: int,
    central_hash: str | None,
    kiosk_hash: str | None,
) -> None:
    """Record one alarm in ``conn``'s transaction; the same alarm again (the same kiosk,
    kind, seq and kiosk hash: a kiosk retrying) is recorded once."""
    known = conn.execute(
        select(FORK_ALARM.c.id).where(
            FORK_ALARM.c.kiosk_id == kiosk_id,
            FORK_ALARM.c.kind == kind,
            FORK_ALARM.c.seq == seq,
            FORK_ALARM.c.kiosk_hash.is_(None)
            if kiosk_hash is None
            else FORK_ALARM.c.kiosk_hash == kiosk_hash,
        )
    ).first()
    if known is None:
        conn.execute(
            insert(FORK_ALARM).values(
                kiosk_id=kiosk_id,
                kind=kind,
                seq=seq,
                central_hash=central_hash,
                kiosk_hash=kiosk_hash,
                detected_at=detected_at,
            )
        )


class CheckpointOperations(CentralAccess):
    """Fork alarms and the chain handed back to a restored kiosk."""

    def report_divergence(self, report: DivergenceReport) -> None:
        """A kiosk says its journal diverged: recorded with the central's hash there."""
        self._kiosk(report.kiosk_id)
        with self.engine.connect() as conn:
            central_hash = conn.execute(
                select(EVENT.c.hash).where(
                    EVENT.c.kiosk_id == report.kiosk_id, EVENT.c.seq == report.seq
                )
            ).scalar_one_or_none()
        with self._write() as own:
            insert_fork_alarm(
                own,
                detected_at=format_timestamp(self.clock()),
                kiosk_id=report.kiosk_id,
                kind=report.kind.value,
                seq=report.seq,
                central_hash=None if central_hash is None else str(central_hash),
                kiosk_hash=report.local_hash,
            )

    def fork_alarms(self, kiosk_id: str | None = None) -> list[ForkAlarm]:
        """Recorded alarms, oldest first (of one kiosk, or of all)."""
        query = select(FORK_ALARM).order_by(FORK_ALARM.c.id)
        if kiosk_id is not None:
            query = query.where(FORK_ALARM.c.kiosk_id == kiosk_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            ForkAlarm(
                str(r.kiosk_id),
                str(r.kind),
                int(r.seq),
                r.central_hash,
                r.kiosk_hash,
                str(r.detected_at),
            )
            for r in rows
        ]

    def chain_page(self, kiosk_id: str, after: int, limit: int) -> dict[str, Any]:
        """The kiosk's events in its linked chain with ``seq > after``, payloads opened
        (they travel over the kiosk's mutual TLS connection, as pulled holders do)."""
        self._kiosk(kiosk_id)
        cols = [EVENT.c[name] for name in STORED_FIELDS]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*cols)
                .where(
                    EVENT.c.kiosk_id == kiosk_id,
                    EVENT.c.seq > after,
                    EVENT.c.linked.is_(True),
                )
                .order_by(EVENT.c.seq)
                .limit(limit + 1)
            ).all()
        events = [
            event_from_stored(dict(row._mapping), self.cipher).to_dict() for row in rows[:limit]
        ]
        return EventsPage(events, more=len(rows) > limit).to_dict()

"""The central's checkpoint of this kiosk's chain, the pinned central key and the
"journal diverged" state, in the kiosk's own store.

The latest verified checkpoint is kept in ``central_checkpoint`` (one row per kiosk id).
The central's checkpoint key is pinned in ``sync_state`` at the first contact (or given
by the configuration). While the journal is recorded as diverged (behind the central's
checkpoint or head, or different from it), :meth:`store.journal.Journal.append` refuses
every new event but a card block (R9) with :class:`JournalDivergedError`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from protocol.checkpoint import Checkpoint, DivergenceKind
from protocol.checkpoint_verify import CheckpointFields
from store.errors import JournalDivergedError
from store.models import CentralCheckpoint, JournalRow, SyncState
from store.state import get_state, set_state

PINNED_KEY_STATE = "sync.central_checkpoint_key"

_C = CentralCheckpoint.__table__  # type: ignore[attr-defined]
_J = JournalRow.__table__  # type: ignore[attr-defined]
_S = SyncState.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Divergence:
    """How and where the journal diverged, and when this kiosk found out."""

    kind: DivergenceKind
    seq: int
    detected_at: str


def diverged_state_key(kiosk_id: str) -> str:
    return f"journal.diverged:{kiosk_id}"


def divergence(session: Session, kiosk_id: str) -> Divergence | None:
    text = get_state(session, diverged_state_key(kiosk_id))
    if not text:
        return None
    data = json.loads(text)
    return Divergence(DivergenceKind(data["kind"]), int(data["seq"]), str(data["detected_at"]))


def record_divergence(session: Session, kiosk_id: str, found: Divergence) -> None:
    value = {"kind": found.kind.value, "seq": found.seq, "detected_at": found.detected_at}
    set_state(session, diverged_state_key(kiosk_id), json.dumps(value))


def clear_divergence(session: Session, kiosk_id: str) -> None:
    session.execute(delete(_S).where(_S.c.key == diverged_state_key(kiosk_id)))


def refuse_while_diverged(session: Session, kiosk_id: str) -> None:
    """:class:`JournalDivergedError` while the journal is recorded as diverged."""
    if get_state(session, diverged_state_key(kiosk_id)):
        raise JournalDivergedError


def pinned_central_key(session: Session) -> str | None:
    return get_state(session, PINNED_KEY_STATE)


def pin_central_key(session: Session, key_hex: str) -> None:
    set_state(session, PINNED_KEY_STATE, key_hex)


def latest_checkpoint(session: Session, kiosk_id: str) -> Checkpoint | None:
    row = session.execute(select(_C).where(_C.c.kiosk_id == kiosk_id)).first()
    if row is None:
        return None
    return Checkpoint(
        str(row.kiosk_id),
        int(row.head_seq),
        str(row.head_hash),
        str(row.issued_at),
        str(row.central_key),
        str(row.signature),
        None if row.kiosk_key is None else str(row.kiosk_key),
    )


def kept_checkpoints(session: Session) -> tuple[bytes | None, list[CheckpointFields]]:
    """The pinned central key and the kept checkpoints it signed, as a bundle carries
    them (``kiosk audit export`` and ``kiosk audit verify``); no key and none before the
    first contact."""
    pinned = pinned_central_key(session)
    rows = session.execute(select(_C).order_by(_C.c.kiosk_id)).all()
    key = pinned or next((str(row.central_key) for row in rows), None)
    if key is None:
        return None, []
    kept = [
        CheckpointFields(
            str(row.kiosk_id),
            int(row.head_seq),
            str(row.head_hash),
            str(row.issued_at),
            str(row.signature),
            None if row.kiosk_key is None else str(row.kiosk_key),
        )
        for row in rows
        if str(row.central_key) == key
    ]
    return bytes.fromhex(key), kept


def keep_checkpoint(session: Session, checkpoint: Checkpoint) -> bool:
    """Keep ``checkpoint`` (already verified) unless the kept one is further ahead;
    True when it was kept."""
    kept = latest_checkpoint(session, checkpoint.kiosk_id)
    values = {
        "head_seq": checkpoint.head_seq,
        "head_hash": checkpoint.head_hash,
        "issued_at": checkpoint.issued_at,
        "central_key": checkpoint.central_key,
        "signature": checkpoint.signature,
        "kiosk_key": checkpoint.kiosk_key,
    }
    if kept is None:
        session.execute(insert(_C).values(kiosk_id=checkpoint.kiosk_id, **values))
        return True
    if kept.head_seq > checkpoint.head_seq:
        return False
    session.execute(update(_C).where(_C.c.kiosk_id == checkpoint.kiosk_id).values(**values))
    return True


def local_head(session: Session, kiosk_id: str) -> tuple[int, str | None]:
    """The journal's last seq and its hash (0 and None when empty)."""
    row = session.execute(
        select(_J.c.seq, _J.c.hash)
        .where(_J.c.kiosk_id == kiosk_id)
        .order_by(_J.c.seq.desc())
        .limit(1)
    ).first()
    return (0, None) if row is None else (int(row[0]), str(row[1]))


def local_hash_at(session: Session, kiosk_id: str, seq: int) -> str | None:
    """The hash of the journal's event ``seq`` (None when there is none)."""
    value = session.execute(
        select(_J.c.hash).where(_J.c.kiosk_id == kiosk_id, _J.c.seq == seq)
    ).scalar_one_or_none()
    return None if value is None else str(value)

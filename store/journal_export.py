"""Exporting a kiosk's journal as a bundle (``protocol.journal_bundle``) that verifies on
any machine with public keys alone: the events with their payloads as stored (encrypted),
the kiosk's public key, and the central's checkpoints with the central's public key."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol.chain_event import ChainRecord
from protocol.checkpoint_verify import CheckpointFields
from protocol.journal_bundle import bundle_header, event_line
from store.journal_audit import CHAIN_COLUMNS
from store.models import JournalRow

_T = JournalRow.__table__  # type: ignore[attr-defined]


def export_bundle(
    session: Session,
    path: Path,
    *,
    kiosk_id: str,
    kiosk_public_key: bytes,
    central_public_key: bytes | None = None,
    checkpoints: Sequence[CheckpointFields] = (),
) -> int:
    """Write the bundle of ``kiosk_id``'s journal to ``path`` (replaced whole, never half
    written); the number of events written."""
    rows = session.execute(
        select(*CHAIN_COLUMNS, _T.c.payload_enc)
        .where(_T.c.kiosk_id == kiosk_id)
        .order_by(_T.c.seq)
        .execution_options(yield_per=5000)
    )
    partial = path.with_name(f".{path.name}.partial")
    count = 0
    with partial.open("w", encoding="utf-8") as out:
        lines = []
        for row in rows:
            encoded = base64.b64encode(bytes(row[12])).decode("ascii")
            lines.append(event_line(ChainRecord(*row[:12]), encoded))
            count += 1
        header = bundle_header(
            kiosk_id=kiosk_id,
            event_count=count,
            kiosk_public_key=kiosk_public_key,
            central_public_key=central_public_key,
            checkpoints=checkpoints,
        )
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        for line in lines:
            out.write(line + "\n")
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)
    return count

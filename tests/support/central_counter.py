"""A central on a temporary SQLite database and one kiosk pushing to it events signed as
a kiosk signs them (for tests of what the central makes of pushed events)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from central.database import make_engine, migrate
from central.fields import CentralCipher
from central.service import CentralService
from clock import FixedClock
from protocol.event_format import GENESIS_HASH, SignedEvent, format_timestamp

OFFICE = "KK-SOLNA"
CLERK = "CLK"


@contextmanager
def central_service(tmp_path: Path, clock: FixedClock) -> Iterator[CentralService]:
    """A migrated central with one clerk (``CLERK``) of ``OFFICE`` on its roster."""
    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    migrate(engine)
    svc = CentralService(engine, cipher=CentralCipher.generate(), clock=clock)
    svc.set_operator(hsa_id=CLERK, role="clerk", office_id=OFFICE)
    try:
        yield svc
    finally:
        engine.dispose()


class Counter:
    """Kiosk ``k1`` of ``OFFICE``: each push is the next event of its chain."""

    def __init__(self, service: CentralService) -> None:
        self.service = service
        self.key = Ed25519PrivateKey.generate()
        self.prev, self.seq = GENESIS_HASH, 0
        public = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        service.register_kiosk(kiosk_id="k1", office_id=OFFICE, public_key=public)

    def push(self, event_type: str, payload: dict[str, Any]) -> list[str]:
        self.seq += 1
        event = SignedEvent.create(
            self.key,
            event_id=str(uuid.uuid4()),
            kiosk_id="k1",
            seq=self.seq,
            occurred_at=format_timestamp(self.service.clock()),
            operator=CLERK,
            event_type=event_type,
            payload=payload,
            prev_hash=self.prev,
        )
        self.prev = event.hash
        answer = self.service.push("k1", [event.to_dict()])
        return [str(r.status) for r in answer.results]

"""A kiosk store and a central written before format 2 migrate: their format 1 events stay
as they are and audit whole, and the journal continues in format 2 that the central takes."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from central.database import alembic_config
from central.database import make_engine as make_central_engine
from central.database import migrate as migrate_central
from central.fields import CentralCipher
from central.service import CentralService
from clock import FixedClock
from protocol.event_format import (
    FORMAT_V1,
    FORMAT_V2,
    GENESIS_HASH,
    SignedEvent,
    canonical_json,
    format_timestamp,
)
from store.crypto import FieldCipher
from store.database import open_store
from store.journal import Journal
from store.keys import load_or_create_keys
from tests.support.payloads import complete

KIOSK_ID = "kiosk-solna-1"
OFFICE = "KK-SOLNA"


def _old_kiosk_store(path: Path) -> None:
    """A kiosk store as revision 0002 (before format 2) left it."""
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", "store:migrations")
    config.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    engine.dispose()


def _format_1_events(key: object, clock: FixedClock, count: int) -> list[SignedEvent]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        event = SignedEvent.create(
            key,  # type: ignore[arg-type]
            event_id=str(uuid.uuid4()),
            kiosk_id=KIOSK_ID,
            seq=seq,
            occurred_at=format_timestamp(clock()),
            operator="CLK",
            event_type="identity.checked",
            payload=complete("identity.checked", {}, office=OFFICE),
            prev_hash=prev,
        )
        events.append(event)
        prev = event.hash
    return events


def test_a_store_of_revision_0002_keeps_its_format_1_events_and_continues_in_format_2(
    tmp_path: Path, clock: FixedClock
) -> None:
    db_path = tmp_path / "kiosk.sqlite3"
    keys = load_or_create_keys(tmp_path / "kiosk.key")
    _old_kiosk_store(db_path)
    old = _format_1_events(keys.signing_key, clock, 3)
    cipher = FieldCipher(keys)
    connection = sqlite3.connect(db_path, isolation_level=None)
    for event in old:
        connection.execute(
            "INSERT INTO journal (event_id, kiosk_id, seq, occurred_at, operator, event_type,"
            " payload_enc, prev_hash, hash, signature, sync_status, priority)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', 1)",
            (
                event.event_id,
                event.kiosk_id,
                event.seq,
                event.occurred_at,
                event.operator,
                event.event_type,
                cipher.encrypt_bytes(canonical_json(event.payload), event.event_id.encode()),
                event.prev_hash,
                event.hash,
                event.signature,
            ),
        )
    connection.execute(
        "INSERT INTO sync_state (key, value) VALUES ('journal.head_seq.kiosk-solna-1', '3')"
    )
    connection.close()

    store = open_store(f"sqlite:///{db_path}", keys)  # migrates 0002 -> 0003
    journal = Journal(KIOSK_ID, keys, store.cipher, clock=clock)
    with store.unit_of_work() as session:
        journal.append(
            session,
            event_type="identity.checked",
            operator="CLK",
            payload=complete("identity.checked", {}, office=OFFICE),
        )
    with store.unit_of_work() as session:
        events = list(journal.events(session))
        report = journal.verify_chain(session, workers=1)
    store.close()
    assert [e.event_format for e in events] == [FORMAT_V1] * 3 + [FORMAT_V2]
    assert events[:3] == old
    assert report.ok, report.describe()

    central_path = tmp_path / "central.sqlite3"
    engine = make_central_engine(f"sqlite:///{central_path}")
    config = alembic_config(engine)
    with engine.begin() as connection_:
        config.attributes["connection"] = connection_
        command.upgrade(config, "c0002")
    migrate_central(engine)  # a central of revision c0002 migrated, then the pushes
    service = CentralService(engine, cipher=CentralCipher.generate(), clock=clock)
    service.set_operator(hsa_id="CLK", role="clerk", office_id=OFFICE)
    service.register_kiosk(kiosk_id=KIOSK_ID, office_id=OFFICE, public_key=keys.public_key_bytes())
    first = service.push(KIOSK_ID, [e.to_dict() for e in events[:3]])
    then = service.push(KIOSK_ID, [events[3].to_dict()])
    assert [r.status for r in [*first.results, *then.results]] == ["accepted"] * 4
    assert service.events(KIOSK_ID) == events
    assert service.verify_chain(KIOSK_ID)
    engine.dispose()

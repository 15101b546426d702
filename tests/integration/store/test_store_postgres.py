"""The kiosk store on a real PostgreSQL server: migrations, encryption, journal, refusals."""

from __future__ import annotations

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from clock import FixedClock, local_date
from store.crypto import FieldCipher
from store.database import create_engine_for, holds_store, open_store
from store.errors import ForeignDatabaseError
from store.holders import holder_record, new_holder
from store.journal import Journal
from store.keys import KioskKeys
from store.models import METADATA, Card, Holder, JournalRow
from tests.support.pgserver import PostgresServer

pytestmark = pytest.mark.integration

PNR = "198503122387"
NAME = "Åsa Linnéa Öberg"


def test_migrations_match_the_models_on_postgresql(postgres: PostgresServer) -> None:
    url = postgres.create_database("store")
    store = open_store(url, KioskKeys.generate())
    try:
        with store.unit_of_work() as session:
            context = MigrationContext.configure(session.connection())
            assert compare_metadata(context, METADATA) == []
    finally:
        store.close()


def test_holders_cards_and_journal_commit_together(
    postgres: PostgresServer, clock: FixedClock
) -> None:
    url = postgres.create_database("store")
    keys = KioskKeys.generate()
    store = open_store(url, keys)
    cipher = FieldCipher(keys)
    journal = Journal("kiosk-pg", keys, cipher, clock=clock)
    now = clock()
    try:
        with store.unit_of_work() as session:
            holder = new_holder(cipher, personnummer=PNR, name=NAME)
            session.add(holder)
            session.flush()
            session.add(
                Card(
                    serial="9752269000000201",
                    holder_id=holder.id,
                    product_number="711",
                    state="shipped",
                    shipment_method="a_post",
                    order_date=local_date(now),
                    updated_at=now,
                )
            )
            journal.append(
                session, event_type="card.ordered", operator=None, payload={"serial": "x"}
            )
        with pytest.raises(RuntimeError), store.unit_of_work() as session:
            journal.append(session, event_type="card.shipped", operator=None, payload={})
            raise RuntimeError("power cut")
        with store.unit_of_work() as session:
            journal.append(session, event_type="card.shipped", operator=None, payload={})
            assert session.scalar(select(func.count()).select_from(JournalRow)) == 2
            row = session.scalars(select(Holder)).one()
            assert holder_record(cipher, row).personnummer == PNR
            assert journal.verify_chain(session, workers=1).ok
            seqs = session.scalars(select(JournalRow.seq).order_by(JournalRow.seq)).all()
            assert list(seqs) == [1, 2]
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn) as conn:
            dump = "".join(
                str(r) for r in conn.execute("SELECT * FROM holders").fetchall()
            ) + "".join(str(r) for r in conn.execute("SELECT * FROM journal").fetchall())
        assert PNR not in dump and PNR[2:] not in dump
        assert "Öberg" not in dump and "OEBERG" not in dump.upper()
    finally:
        store.close()


def test_a_foreign_schema_is_refused_and_left_alone(postgres: PostgresServer) -> None:
    url = postgres.create_database("foreign")
    engine = create_engine_for(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id integer primary key, total numeric)"))
    engine.dispose()
    with pytest.raises(ForeignDatabaseError):
        open_store(url, KioskKeys.generate())
    engine = create_engine_for(url)
    with engine.connect() as conn:
        tables = (
            conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            .scalars()
            .all()
        )
    engine.dispose()
    assert set(tables) == {"invoices"}


def test_holds_store_tells_a_new_database_from_a_kiosk_store(postgres: PostgresServer) -> None:
    url = postgres.create_database("holds")
    assert holds_store(url) is False
    open_store(url, KioskKeys.generate()).close()
    assert holds_store(url) is True

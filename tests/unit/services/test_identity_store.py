"""R1: a finished identity check is stored with its journal event, never the number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from clock import FixedClock
from kiosk.demo_documents import demo_documents
from kiosk.documents.mrz import parse
from kiosk.services.identity import Holder, IdentityCheckService, IdentityResult
from kiosk.services.identity_store import StoreIdentityRecorder
from store.crypto import FieldCipher
from store.database import Store, open_store
from store.holders import new_holder
from store.journal import Journal
from store.keys import load_or_create_keys
from store.models import IdentityCheck

ASA = Holder(personnummer="198503122387", surname="Öberg", given_names="Åsa Linnéa")


@pytest.fixture
def world(tmp_path: Path, now: dt.datetime) -> tuple[Store, Journal, str, Path]:
    keys = load_or_create_keys(tmp_path / "kiosk.key")
    db = tmp_path / "kiosk.sqlite3"
    store = open_store(f"sqlite:///{db}", keys)
    cipher = FieldCipher(keys)
    with store.unit_of_work() as session:
        holder = new_holder(cipher, personnummer=ASA.personnummer or "", name="Åsa Linnéa Öberg")
        session.add(holder)
        holder_id = holder.id
    return store, Journal("kiosk-1", keys, cipher, clock=FixedClock(now)), holder_id, db


def test_r1_confirmed_check_is_stored_with_its_event(
    world: tuple[Store, Journal, str, Path], now: dt.datetime, today: dt.date
) -> None:
    store, journal, holder_id, db = world
    service = IdentityCheckService(StoreIdentityRecorder(store, journal), b"document-key")
    passport = demo_documents(today)["swedish-passport"]
    report = service.check(parse(passport, today), ASA, "unlock", today)
    confirmed = service.confirm(
        report, photo_matches=True, operator="SE2321000016-1002", now=now, holder_id=holder_id
    )
    assert confirmed.record.result is IdentityResult.APPROVED
    with store.unit_of_work() as session:
        row = session.scalars(select(IdentityCheck)).one()
        assert row.journal_event_id == confirmed.event_id
        assert row.holder_id == holder_id
        assert row.result == "approved"
        events = list(journal.events(session))
        assert [e.event_type for e in events] == ["identity.checked"]
        assert events[0].payload["document_kind"] == "passport"
        assert journal.verify_chain(session, workers=1).ok
    store.close()
    raw = b"".join(p.read_bytes() for p in db.parent.glob("kiosk.sqlite3*"))
    assert b"AB1234567" not in raw


def test_r1_refused_document_for_nobody_on_record_is_journaled_only(
    world: tuple[Store, Journal, str, Path], now: dt.datetime, today: dt.date
) -> None:
    store, journal, _holder_id, _db = world
    service = IdentityCheckService(StoreIdentityRecorder(store, journal), b"document-key")
    foreign = demo_documents(today)["foreign-passport"]
    report = service.check(parse(foreign, today), ASA, "unlock", today)
    confirmed = service.confirm(report, photo_matches=True, operator="SE2321000016-1002", now=now)
    assert confirmed.record.result is IdentityResult.REFUSED
    with store.unit_of_work() as session:
        assert session.scalars(select(IdentityCheck)).all() == []
        (event,) = journal.events(session)
        assert event.event_id == confirmed.event_id
        assert event.payload["result"] == "refused"

"""R10: a name change rewrites the holder's stored name, its index and its search terms."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from clock import Clock
from kiosk.services.lookup import LookupService, QueryKind
from kiosk.services.store_views import StoreDirectory
from store.database import Store
from store.errors import DecryptionFailedError
from store.holders import add_holder, holder_by_id, holder_name_aad, rename_holder
from store.models import Holder

PNR = "198503122387"
OLD_NAME = "Åsa Linnéa Öberg"
NEW_NAME = "Åsa Linnéa Nyström"


def _names_found(store: Store, clock: Clock, query: str) -> list[str]:
    directory = StoreDirectory(store, clock)
    try:
        result = LookupService(directory).search(query)
        assert result.kind is QueryKind.NAME
        return sorted(h.name for h in result.holders)
    finally:
        directory.close()


@pytest.fixture
def holder_id(store: Store) -> str:
    with store.unit_of_work() as tx:
        return add_holder(tx, store.cipher, personnummer=PNR, name=OLD_NAME)


def test_r10_rename_stores_the_new_name(store: Store, holder_id: str) -> None:
    with store.unit_of_work() as tx:
        assert rename_holder(tx, store.cipher, holder_id, NEW_NAME)
    with store.read_only() as tx:
        record = holder_by_id(tx, store.cipher, holder_id)
    assert record is not None
    assert (record.name, record.personnummer) == (NEW_NAME, PNR)


def test_r10_lookup_finds_the_new_name_and_not_the_old(
    store: Store, clock: Clock, holder_id: str
) -> None:
    assert _names_found(store, clock, "Öberg") == [OLD_NAME]
    with store.unit_of_work() as tx:
        rename_holder(tx, store.cipher, holder_id, NEW_NAME)
    assert _names_found(store, clock, "Nyström") == [NEW_NAME]
    assert _names_found(store, clock, "nystrom asa") == [NEW_NAME]
    assert _names_found(store, clock, NEW_NAME) == [NEW_NAME]
    assert _names_found(store, clock, "Öberg") == []
    assert _names_found(store, clock, OLD_NAME) == []


def test_r10_birth_date_still_finds_the_renamed_holder(
    store: Store, clock: Clock, holder_id: str
) -> None:
    with store.unit_of_work() as tx:
        rename_holder(tx, store.cipher, holder_id, NEW_NAME)
    directory = StoreDirectory(store, clock)
    try:
        result = LookupService(directory).search("19850312")
    finally:
        directory.close()
    assert [h.name for h in result.holders] == [NEW_NAME]


def test_r10_new_name_is_bound_to_its_row_and_not_in_clear(store: Store, holder_id: str) -> None:
    with store.unit_of_work() as tx:
        rename_holder(tx, store.cipher, holder_id, NEW_NAME)
    with store.read_only() as tx:
        row = tx.get(Holder, holder_id)
        assert row is not None
        blob = row.name_enc
        raw = b"".join(r[0] for r in tx.execute(text("SELECT name_enc FROM holders")))
    assert store.cipher.decrypt(blob, holder_name_aad(holder_id)) == NEW_NAME
    with pytest.raises(DecryptionFailedError):
        store.cipher.decrypt(blob, holder_name_aad("another-holder"))
    assert "Nyström".encode() not in raw and b"Nystr" not in raw


def test_r10_rename_of_unknown_holder_or_to_empty_name_changes_nothing(
    store: Store, clock: Clock, holder_id: str
) -> None:
    with store.unit_of_work() as tx:
        assert not rename_holder(tx, store.cipher, "no-such-holder", NEW_NAME)
        assert not rename_holder(tx, store.cipher, holder_id, "  ")
    assert _names_found(store, clock, "Öberg") == [OLD_NAME]

"""Personal data at rest: encrypted, found only through the keyed blind index."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from store.bulk import CardInput, HolderInput, import_holders_and_cards
from store.crypto import FieldCipher
from store.database import Store, open_store
from store.errors import DecryptionFailedError
from store.holders import holder_record, new_holder
from store.keys import KioskKeys
from store.lookup import Lookup
from store.models import Holder

PNR = "198112189876"
NAME = "Karin Ödmark-Lindqvist"


def _db_bytes(db_path: Path) -> bytes:
    files = [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]
    assert any(p.name.endswith("-wal") for p in files), "expected a WAL file to grep too"
    return b"".join(p.read_bytes() for p in files)


def test_database_file_and_wal_hold_no_personnummer_or_name_in_clear(
    store: Store, db_path: Path
) -> None:
    with store.unit_of_work() as session:
        session.add(new_holder(store.cipher, personnummer=PNR, name=NAME, organisation="Region"))
    import_holders_and_cards(
        store,
        [HolderInput(id="h-bulk", personnummer="199001011239", name="Nils Bulkström")],
        [],
    )
    raw = _db_bytes(db_path)
    for secret in (
        PNR,
        "19811218-9876",
        "811218-9876",
        NAME,
        "Ödmark",
        "199001011239",
        "Bulkström",
    ):
        assert secret.encode("utf-8") not in raw, secret
        assert secret.encode("utf-16-le") not in raw, secret
    assert b"Region" in raw  # the grep does see plain columns


def test_blind_index_finds_holder_by_personnummer_and_name(store: Store) -> None:
    with store.unit_of_work() as session:
        row = new_holder(store.cipher, personnummer=PNR, name=NAME)
        session.add(row)
        holder_id = row.id
        session.add(new_holder(store.cipher, personnummer="199001011239", name="Other Person"))
    lookup = Lookup(store)
    try:
        found = lookup.holder_by_personnummer(PNR)
        assert found is not None
        assert (found.id, found.personnummer, found.name) == (holder_id, PNR, NAME)
        assert lookup.holder_by_personnummer("199001011247") is None
        assert [h.id for h in lookup.holders_by_name("  karin   ÖDMARK-lindqvist ")] == [holder_id]
        assert lookup.holders_by_name("Karin") == []
        assert PNR not in repr(found) and "Karin" not in repr(found)
    finally:
        lookup.close()


def test_card_lookup_by_serial_returns_plain_record(store: Store) -> None:
    moment = datetime(2026, 11, 28, 18, 0, 0, 123456, tzinfo=UTC)
    import_holders_and_cards(
        store,
        [HolderInput(id="h1", personnummer=PNR, name=NAME)],
        [
            CardInput(
                serial="SE1000001",
                holder_id="h1",
                state="shipped",
                shipment_method="registered",
                rek_id="RR123456785SE",
                order_date=date(2026, 10, 1),
                photo_date=date(2026, 9, 30),
                updated_at=moment,
                product_number="712",
                sis_marked=True,
            )
        ],
    )
    lookup = Lookup(store)
    try:
        card = lookup.card_by_serial("SE1000001")
        assert card is not None
        assert card.product_number == "712" and card.sis_marked and card.with_photo
        assert card.order_date == date(2026, 10, 1) and card.photo_date == date(2026, 9, 30)
        assert card.updated_at == moment
        assert lookup.card_by_serial("NOPE") is None
        assert [c.serial for c in lookup.cards_of_holder("h1")] == ["SE1000001"]
    finally:
        lookup.close()
    with store.unit_of_work() as session:  # the ORM reads the bulk-written row alike
        from store.models import Card

        orm = session.get(Card, "SE1000001")
        assert orm is not None and orm.updated_at == moment and orm.photo_date == card.photo_date


def test_bulk_import_is_all_or_nothing(store: Store) -> None:
    holders = [HolderInput(id="h1", personnummer=PNR, name=NAME)]
    bad_cards = [
        CardInput(
            serial="S1",
            holder_id="missing-holder",
            state="ordered",
            shipment_method="a_post",
            order_date=date(2026, 1, 1),
            updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
    ]
    with pytest.raises(Exception, match="FOREIGN KEY"):
        import_holders_and_cards(store, holders, bad_cards)
    lookup = Lookup(store)
    try:
        assert lookup.holder_by_personnummer(PNR) is None
    finally:
        lookup.close()


def test_ciphertext_moved_to_another_row_does_not_decrypt(store: Store) -> None:
    first = new_holder(store.cipher, personnummer=PNR, name=NAME)
    second = new_holder(store.cipher, personnummer="199001011239", name="Other")
    moved = Holder(**{**second.model_dump(), "personnummer_enc": first.personnummer_enc})
    with pytest.raises(DecryptionFailedError):
        holder_record(store.cipher, moved)


def test_other_key_cannot_decrypt(tmp_path: Path) -> None:
    cipher = FieldCipher(KioskKeys.generate())
    blob = cipher.encrypt(PNR, b"aad")
    assert cipher.decrypt(blob, b"aad") == PNR
    with pytest.raises(DecryptionFailedError):
        FieldCipher(KioskKeys.generate()).decrypt(blob, b"aad")
    with pytest.raises(DecryptionFailedError):
        cipher.decrypt(blob, b"other aad")
    other = FieldCipher(KioskKeys.generate())
    assert other.personnummer_index(PNR) != cipher.personnummer_index(PNR)
    assert len(cipher.personnummer_index(PNR)) == 16


def test_open_store_reuses_existing_database(db_path: Path, keys: KioskKeys) -> None:
    first = open_store(f"sqlite:///{db_path}", keys)
    with first.unit_of_work() as session:
        session.add(new_holder(first.cipher, personnummer=PNR, name=NAME))
    first.close()
    second = open_store(f"sqlite:///{db_path}", keys)
    lookup = Lookup(second)
    try:
        assert lookup.holder_by_personnummer(PNR) is not None
    finally:
        lookup.close()
        second.close()

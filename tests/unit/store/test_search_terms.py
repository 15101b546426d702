"""Finding holders by any name word (diacritics folded) or birth date, names never in clear."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from clock import Clock
from kiosk.services.lookup import LookupService, QueryKind
from kiosk.services.store_views import StoreDirectory
from store.bulk import HolderInput, import_holders_and_cards
from store.database import Store, open_store
from store.holders import add_holder
from store.keys import KioskKeys
from store.search_terms import birth_date_of, fold, name_words

ASA = ("198503122387", "Åsa Linnéa Öberg")
ANNA = ("199001011239", "Anna-Karin Ödmark")
SAMORDNING = ("197010632391", "Sam Ordning")  # born 1970-10-03, day + 60


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("Åsa Öberg", "asa oberg"), ("Ærø Łódź", "aero lodz"), ("STRASSE Straße", "strasse strasse")],
)
def test_fold_removes_case_and_diacritics(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_name_words_split_on_spaces_and_hyphens_once_each() -> None:
    assert name_words("  Anna-Karin  ÖDMARK anna ") == ("anna", "karin", "odmark")


def test_birth_date_of_personnummer_and_samordningsnummer() -> None:
    assert birth_date_of(ASA[0]) == "19850312"
    assert birth_date_of(SAMORDNING[0]) == "19701003"
    assert birth_date_of("8503122387") is None  # only the normalised 12-digit form


def _search(store: Store, clock: Clock, query: str) -> tuple[QueryKind, list[str]]:
    directory = StoreDirectory(store, clock)
    try:
        result = LookupService(directory).search(query)
        return result.kind, sorted(h.name for h in result.holders)
    finally:
        directory.close()


@pytest.fixture
def seeded(store: Store) -> Store:
    with store.unit_of_work() as tx:
        for pnr, name in (ASA, ANNA, SAMORDNING):
            add_holder(tx, store.cipher, personnummer=pnr, name=name)
    return store


@pytest.mark.parametrize(
    "query", ["Öberg", "oberg", "OBERG", "Asa Linnea Oberg", "linnéa åsa", "Åsa Öberg"]
)
def test_any_name_word_finds_the_holder(seeded: Store, clock: Clock, query: str) -> None:
    assert _search(seeded, clock, query) == (QueryKind.NAME, [ASA[1]])


def test_every_word_must_match(seeded: Store, clock: Clock) -> None:
    assert _search(seeded, clock, "Åsa Ödmark") == (QueryKind.NAME, [])
    assert _search(seeded, clock, "karin") == (QueryKind.NAME, [ANNA[1]])


@pytest.mark.parametrize("query", ["19850312", "1985-03-12", "850312"])
def test_birth_date_finds_the_holder(seeded: Store, clock: Clock, query: str) -> None:
    assert _search(seeded, clock, query) == (QueryKind.BIRTH_DATE, [ASA[1]])


def test_birth_date_finds_a_samordningsnummer_by_its_real_day(seeded: Store, clock: Clock) -> None:
    assert _search(seeded, clock, "19701003") == (QueryKind.BIRTH_DATE, [SAMORDNING[1]])


def test_card_number_is_not_taken_for_a_birth_date(seeded: Store, clock: Clock) -> None:
    assert _search(seeded, clock, "9752269000000201")[0] is QueryKind.SERIAL


def test_bulk_imported_holders_are_found_by_word(store: Store, clock: Clock) -> None:
    import_holders_and_cards(
        store, [HolderInput(id="h-bulk", personnummer=ANNA[0], name="Nils Bulkström")], []
    )
    assert _search(store, clock, "bulkstrom") == (QueryKind.NAME, ["Nils Bulkström"])


def test_terms_hold_no_name_or_date_in_clear(seeded: Store, db_path: Path) -> None:
    with seeded.read_only() as tx:
        blobs = b"".join(row[0] for row in tx.execute(text("SELECT term_idx FROM holder_terms")))
    assert len(blobs) > 0
    for clear in ("oberg", "Öberg", "asa", "19850312", "850312"):
        assert clear.encode() not in blobs


def test_a_store_from_before_search_terms_is_indexed_when_opened(
    seeded: Store, db_path: Path, keys: KioskKeys, clock: Clock
) -> None:
    with seeded.unit_of_work() as tx:  # as a store written before the terms existed
        tx.execute(text("DELETE FROM holder_terms"))
        tx.execute(text("DELETE FROM sync_state WHERE key = 'search_terms.version'"))
    assert _search(seeded, clock, "oberg") == (QueryKind.NAME, [])
    seeded.close()
    reopened = open_store(f"sqlite:///{db_path}", keys)
    try:
        assert _search(reopened, clock, "oberg") == (QueryKind.NAME, [ASA[1]])
    finally:
        reopened.close()


def test_a_wrong_key_does_not_mark_the_store_indexed(
    seeded: Store, db_path: Path, keys: KioskKeys, tmp_path: Path, clock: Clock
) -> None:
    with seeded.unit_of_work() as tx:
        tx.execute(text("DELETE FROM holder_terms"))
        tx.execute(text("DELETE FROM sync_state WHERE key = 'search_terms.version'"))
    seeded.close()
    open_store(f"sqlite:///{db_path}", KioskKeys.generate()).close()
    reopened = open_store(f"sqlite:///{db_path}", keys)
    try:
        assert _search(reopened, clock, "oberg") == (QueryKind.NAME, [ASA[1]])
    finally:
        reopened.close()

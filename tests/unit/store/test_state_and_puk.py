"""Key/value sync state and the encrypted PUK cache of 7xx cards."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from store.bulk import CardInput, HolderInput, import_holders_and_cards
from store.database import Store
from store.puk_cache import forget_puk, get_puk, put_puk
from store.state import get_state, set_state


def test_state_set_get_replace(store: Store) -> None:
    with store.unit_of_work() as session:
        assert get_state(session, "sync.cursor") is None
        set_state(session, "sync.cursor", "10")
        set_state(session, "sync.cursor", "11")
    with store.unit_of_work() as session:
        assert get_state(session, "sync.cursor") == "11"


def _card(store: Store, serial: str, product: str) -> None:
    import_holders_and_cards(
        store,
        [HolderInput(id=f"h-{serial}", personnummer="198112189876", name="A B")],
        [
            CardInput(
                serial=serial,
                holder_id=f"h-{serial}",
                state="active",
                shipment_method="a_post",
                order_date=date(2026, 1, 1),
                updated_at=datetime(2026, 1, 1, tzinfo=UTC),
                product_number=product,
            )
        ],
    )


def test_puk_of_7xx_card_is_cached_encrypted(store: Store, db_path: Path) -> None:
    _card(store, "S712", "712")
    with store.unit_of_work() as session:
        put_puk(session, store.cipher, card_serial="S712", product_number="712", puk="73914562")
    with store.unit_of_work() as session:
        assert get_puk(session, store.cipher, "S712") == "73914562"
    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.is_file())
    assert b"73914562" not in raw
    with store.unit_of_work() as session:
        forget_puk(session, "S712")
    with store.unit_of_work() as session:
        assert get_puk(session, store.cipher, "S712") is None


@pytest.mark.parametrize("product", ["512", "612", None, "7"])
def test_puk_of_other_cards_is_refused(store: Store, product: str | None) -> None:
    with pytest.raises(ValueError, match="7xx"), store.unit_of_work() as session:
        put_puk(session, store.cipher, card_serial="S1", product_number=product, puk="12345678")

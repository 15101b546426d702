"""The encrypted PUK cache: only for the office's own 7xx cards (never PINs).

The PUK is AES-GCM encrypted with the card serial as associated data. Whether a card
is the office's own is the kiosk's rule; the store refuses anything but a 7xx
product number as a last line of defence.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from store.crypto import FieldCipher
from store.models import PukCache


def _aad(card_serial: str) -> bytes:
    return f"puk_cache:{card_serial}".encode()


def put_puk(
    session: Session, cipher: FieldCipher, *, card_serial: str, product_number: str | None, puk: str
) -> None:
    if product_number is None or len(product_number) != 3 or not product_number.startswith("7"):
        raise ValueError("only PUKs of 7xx cards may be cached")
    row = session.get(PukCache, card_serial)
    blob = cipher.encrypt(puk, _aad(card_serial))
    if row is None:
        session.add(PukCache(card_serial=card_serial, puk_enc=blob))
    else:
        row.puk_enc = blob


def get_puk(session: Session, cipher: FieldCipher, card_serial: str) -> str | None:
    row = session.get(PukCache, card_serial)
    return None if row is None else cipher.decrypt(row.puk_enc, _aad(card_serial))


def forget_puk(session: Session, card_serial: str) -> None:
    session.execute(delete(PukCache).where(PukCache.card_serial == card_serial))  # type: ignore[arg-type]

"""Card orders and their photos inside a unit of work: typed functions returning records.

A photo is stored as its JPEG bytes encrypted with the kiosk's field key, associated
data ``photo:<digest>`` (a ciphertext copied to another digest's row does not open),
and is never logged. The digest is the SHA-256 (hex) of the JPEG bytes: the order event
names the photo by it, and the photo travels to the central as a blob of its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import insert, select

from store.crypto import FieldCipher
from store.database import Transaction
from store.errors import PhotoDigestMismatchError
from store.models import Order, Photo
from store.records import OrderRecord

_ORDER = Order.__table__  # type: ignore[attr-defined]
_PHOTO = Photo.__table__  # type: ignore[attr-defined]
_CLOSED = ("activated", "replaced")


def photo_aad(digest: str) -> bytes:
    return f"photo:{digest}".encode()


def photo_digest(jpeg: bytes) -> str:
    """The name of a photo: the SHA-256 (hex) of its JPEG bytes."""
    return hashlib.sha256(jpeg).hexdigest()


def _record(row: Order) -> OrderRecord:
    return OrderRecord(**{f.name: getattr(row, f.name) for f in dataclasses.fields(OrderRecord)})


def add_order(tx: Transaction, record: OrderRecord) -> None:
    """A new order on record, written at once."""
    tx.add(Order(**dataclasses.asdict(record)))
    tx.flush()


def order_record(tx: Transaction, order_id: str) -> OrderRecord | None:
    row = tx.get(Order, order_id)
    return None if row is None else _record(row)


def holder_orders(tx: Transaction, holder_id: str) -> list[OrderRecord]:
    """The holder's orders, oldest first."""
    rows = tx.execute(
        select(Order).where(_ORDER.c.holder_id == holder_id).order_by(_ORDER.c.order_date)
    ).scalars()
    return [_record(row) for row in rows]


def order_for_card(tx: Transaction, card_serial: str) -> OrderRecord | None:
    """The order that produced the card ``card_serial``; ``None`` for an older card."""
    row = tx.execute(select(Order).where(_ORDER.c.card_serial == card_serial)).scalars().first()
    return None if row is None else _record(row)


def set_order_state(
    tx: Transaction,
    order_id: str,
    *,
    state: str,
    at: datetime,
    card_serial: str | None = None,
    rek_id: str | None = None,
) -> None:
    row = tx.get(Order, order_id)
    if row is None:
        raise LookupError(f"no order {order_id!r} on record")
    row.state = state
    row.updated_at = at
    if card_serial is not None:
        row.card_serial = card_serial
    if rek_id is not None:
        row.rek_id = rek_id


def put_photo(
    tx: Transaction,
    cipher: FieldCipher,
    *,
    jpeg: bytes,
    digest: str,
    at: datetime,
    uploaded: bool = False,
) -> None:
    """Keep a photo (encrypted); a photo already kept stays as it is. Raises
    :class:`PhotoDigestMismatchError` when ``digest`` is not the JPEG's."""
    if photo_digest(jpeg) != digest:
        raise PhotoDigestMismatchError()
    if tx.get(Photo, digest) is not None:
        return
    tx.add(
        Photo(
            digest=digest,
            jpeg_enc=cipher.encrypt_bytes(jpeg, photo_aad(digest)),
            uploaded=uploaded,
            stored_at=at,
        )
    )
    tx.flush()


def put_photos(
    tx: Transaction,
    cipher: FieldCipher,
    photos: Mapping[str, bytes],
    *,
    at: datetime,
    uploaded: bool = False,
) -> list[str]:
    """Keep many photos (digest → JPEG, encrypted) in one statement; a photo already kept
    stays as it is. Returns the digests whose bytes are not theirs: those are not kept
    (the check of :func:`put_photo`, per photo)."""
    mismatched = [digest for digest, jpeg in photos.items() if photo_digest(jpeg) != digest]
    fitting = {d: jpeg for d, jpeg in photos.items() if d not in mismatched}
    kept = set(
        tx.execute(select(_PHOTO.c.digest).where(_PHOTO.c.digest.in_(list(fitting)))).scalars()
    )
    rows = [
        {
            "digest": digest,
            "jpeg_enc": cipher.encrypt_bytes(jpeg, photo_aad(digest)),
            "uploaded": uploaded,
            "stored_at": at,
        }
        for digest, jpeg in fitting.items()
        if digest not in kept
    ]
    if rows:
        tx.execute(insert(_PHOTO), rows)
    return mismatched


def photo_jpeg(tx: Transaction, cipher: FieldCipher, digest: str) -> bytes | None:
    """The JPEG bytes of a kept photo; ``None`` when it is not here."""
    row = tx.get(Photo, digest)
    return None if row is None else cipher.decrypt_bytes(row.jpeg_enc, photo_aad(digest))


def photos_to_upload(tx: Transaction) -> list[str]:
    """Digests of the photos not yet sent to the central."""
    return list(tx.execute(select(_PHOTO.c.digest).where(_PHOTO.c.uploaded.is_(False))).scalars())


def mark_uploaded(tx: Transaction, digests: Sequence[str]) -> None:
    for digest in digests:
        row = tx.get(Photo, digest)
        if row is not None:
            row.uploaded = True


def photos_missing(tx: Transaction) -> list[str]:
    """Digests of the photos the open orders on record need (the central sends a kiosk
    the orders of its office: those photographed there, R2) that are not kept here."""
    kept = select(_PHOTO.c.digest)
    query = (
        select(_ORDER.c.photo_digest)
        .where(_ORDER.c.photo_digest.is_not(None))
        .where(_ORDER.c.state.not_in(_CLOSED))
        .where(_ORDER.c.photo_digest.not_in(kept))
    )
    return sorted({str(d) for d in tx.execute(query).scalars() if d})


def delete_photos_activated_before(tx: Transaction, cutoff: datetime) -> int:
    """Delete the photos of orders activated (or replaced) before ``cutoff`` that no open
    order still needs (a reorder reuses its first order's photo, R3); returns how many."""
    done = tx.execute(
        select(_ORDER.c.photo_digest)
        .where(_ORDER.c.state.in_(_CLOSED))
        .where(_ORDER.c.updated_at < cutoff)
        .where(_ORDER.c.photo_digest.is_not(None))
    ).scalars()
    still_needed = set(
        tx.execute(select(_ORDER.c.photo_digest).where(_ORDER.c.state.not_in(_CLOSED))).scalars()
    )
    deleted = 0
    for digest in sorted({d for d in done if d} - still_needed):
        row = tx.get(Photo, digest)
        if row is not None:
            tx.delete(row)
            deleted += 1
    tx.flush()
    return deleted

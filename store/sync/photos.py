"""Card photos in a sync round: sent once, fetched when this office needs them, deleted
a while after the card is activated.

A photo travels as a blob of its own (``protocol.wire.PHOTO_PATH``), named by the
SHA-256 of its JPEG bytes, which the ``order.placed`` event names. After a pull the
kiosk fetches the photos of the open orders photographed at its office that it does not
keep (R2: the card is activated where the photo was taken), not every photo. No log
line names a photo's bytes or its holder.
"""

from __future__ import annotations

import base64
import binascii
import logging
from datetime import datetime, timedelta

from store.database import Store
from store.errors import PhotoDigestMismatchError
from store.orders import (
    delete_photos_activated_before,
    mark_uploaded,
    photo_jpeg,
    photos_missing,
    photos_to_upload,
    put_photo,
)
from store.sync.errors import CentralRefusedError
from store.sync.transport import CentralTransport

log = logging.getLogger(__name__)


def send_photos(store: Store, transport: CentralTransport, kiosk_id: str) -> int:
    """Send the photos the central does not have yet; returns how many were sent."""
    with store.read_only() as session:
        digests = photos_to_upload(session)
    sent: list[str] = []
    for digest in digests:
        with store.read_only() as session:
            jpeg = photo_jpeg(session, store.cipher, digest)
        if jpeg is None:
            continue
        try:
            transport.send_photo(kiosk_id, digest, jpeg)
        except CentralRefusedError as exc:
            log.warning("the central refused a photo: %s", exc.params.get("detail"))
            continue
        sent.append(digest)
    if sent:
        with store.unit_of_work() as session:
            mark_uploaded(session, sent)
    return len(sent)


def fetch_photos(store: Store, transport: CentralTransport, kiosk_id: str, now: datetime) -> int:
    """Fetch the photos the open orders of this office need; returns how many arrived.
    A photo whose bytes do not match its digest is not kept."""
    with store.read_only() as session:
        digests = photos_missing(session)
    fetched = 0
    for digest in digests:
        try:
            answer = transport.fetch_photo(kiosk_id, digest)
            jpeg = base64.b64decode(str(answer.get("jpeg", "")), validate=True)
        except CentralRefusedError:
            continue  # not one for this office (yet)
        except (binascii.Error, ValueError):
            log.warning("the central sent a photo that is not base64")
            continue
        try:
            with store.unit_of_work() as session:
                put_photo(session, store.cipher, jpeg=jpeg, digest=digest, at=now, uploaded=True)
        except PhotoDigestMismatchError:
            log.warning("a fetched photo does not match its digest: not kept")
            continue
        fetched += 1
    return fetched


def delete_old_photos(store: Store, now: datetime, retention_days: int) -> int:
    """Delete the photos of cards activated more than ``retention_days`` ago."""
    with store.unit_of_work() as session:
        return delete_photos_activated_before(session, now - timedelta(days=retention_days))

"""Card photos in a sync round: sent once, fetched when this office needs them, deleted
a while after the card is activated.

A photo travels as a blob of its own (``protocol.wire.PHOTO_PATH``), named by the
SHA-256 of its JPEG bytes, which the ``order.placed`` event names. After a pull the
kiosk fetches the photos of the open orders photographed at its office that it does not
keep (R2: the card is activated where the photo was taken), not every photo: many per
request (``protocol.wire_photos``), one transaction per answer. No log
line names a photo's bytes or its holder.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta

from protocol.wire import WireFormatError
from protocol.wire_photos import MAX_PHOTO_BATCH, PhotoBatchAnswer
from store.database import Store
from store.errors import PhotoDigestMismatchError
from store.orders import (
    delete_photos_activated_before,
    mark_uploaded,
    photo_jpeg,
    photos_missing,
    photos_to_upload,
    put_photo,
    put_photos,
)
from store.sync.errors import CentralRefusedError
from store.sync.transport import CentralTransport

log = logging.getLogger(__name__)

NO_BATCH_ROUTE = (404, 405)  # a central from before ``POST /v1/photos``


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


def fetch_photos(
    store: Store,
    transport: CentralTransport,
    kiosk_id: str,
    now: datetime,
    *,
    batch_size: int = MAX_PHOTO_BATCH,
) -> int:
    """Fetch the photos the open orders of this office need, ``batch_size`` per request
    (``POST /v1/photos``), each answer kept in one transaction while the next request
    travels; returns how many arrived. A photo whose bytes do not match its digest is
    not kept. A central without the batched route gets one request per photo."""
    with store.read_only() as session:
        waiting = deque(photos_missing(session))
    fetched = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-photos") as pool:

        def ask() -> tuple[list[str], Future[bytes]] | None:
            batch = [waiting.popleft() for _ in range(min(batch_size, len(waiting)))]
            if not batch:
                return None
            return batch, pool.submit(transport.fetch_photo_batch, kiosk_id, batch)

        pending = ask()
        while pending is not None:
            batch, future = pending
            try:
                answer = PhotoBatchAnswer.from_bytes(future.result())
            except CentralRefusedError as exc:
                if exc.params.get("status") in NO_BATCH_ROUTE:
                    return fetched + _fetch_each(store, transport, kiosk_id, now, batch)
                log.warning("the central refused a photo batch: %s", exc.params.get("detail"))
                return fetched
            except WireFormatError:
                log.warning("the central sent a photo batch that is not one: not kept")
                pending = ask()
                continue
            photos = {digest: answer.photos[digest] for digest in batch if digest in answer.photos}
            if photos:  # the central got further: ask again for those it left for later
                waiting.extend(digest for digest in answer.later if digest in batch)
            pending = ask()  # the next request travels while this answer is written
            with store.unit_of_work() as session:
                mismatched = put_photos(session, store.cipher, photos, at=now, uploaded=True)
            if mismatched:
                log.warning("%d fetched photos not their digests: not kept", len(mismatched))
            fetched += len(photos) - len(mismatched)
    return fetched


def _fetch_each(
    store: Store, transport: CentralTransport, kiosk_id: str, now: datetime, digests: list[str]
) -> int:
    """One ``GET /v1/photo`` per photo and a transaction each (a central before the
    batched route); ``digests`` first, then the rest still missing."""
    with store.read_only() as session:
        missing = photos_missing(session)
    fetched = 0
    for digest in dict.fromkeys([*digests, *missing]):
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

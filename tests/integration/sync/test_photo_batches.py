"""Card photos fetched in batches from a real central process (``POST /v1/photos``): a
second counter of the office gets every photo its open orders need in a few requests,
another office gets none of them (R2), and a photo whose bytes are not its digest's is
not kept by the kiosk."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from central.fields import photo_aad
from central.service import CentralService
from central.tables import PHOTO
from protocol.wire_photos import PHOTOS_PATH, PhotoBatchAnswer
from store.orders import photo_jpeg, photos_missing, put_photo
from store.sync.photos import fetch_photos
from tests.support.photos import jpeg_bytes
from tests.support.sync_world import OFFICE, CentralProcess, Kiosk

pytestmark = pytest.mark.integration

HOLDER = "holder-batch"


def _placed(digest: str, today: str, *, first: bool) -> dict[str, Any]:
    registered = {"holder_name": "Tolvan Tolvansson", "personnummer": "191212121212"}
    return {
        "order_id": str(uuid.uuid4()),
        "holder_id": HOLDER,
        "office_id": OFFICE,
        "card_kind": "ordinary",
        "delivery": "a_post",
        "with_photo": True,
        "photo_digest": digest,
        "photo_office_id": OFFICE,
        "photo_date": today,
        "order_date": today,
        "replaces": None,
        "replaces_order": None,
        "state": "ordered",
        **(registered if first else {}),
    }


def _place_orders(
    kiosk: Kiosk, central: CentralProcess, count: int, now: dt.datetime
) -> dict[str, bytes]:
    """``count`` orders with a photo each, placed at ``kiosk`` and sent to the central."""
    photos = {}
    for n in range(count):
        jpeg = jpeg_bytes(100 + n, size=4096)
        digest = hashlib.sha256(jpeg).hexdigest()
        photos[digest] = jpeg
        with kiosk.store.unit_of_work() as tx:
            put_photo(tx, kiosk.store.cipher, jpeg=jpeg, digest=digest, at=now)
        kiosk.append(
            "order.placed", _placed(digest, now.date().isoformat(), first=n == 0), as_given=True
        )
    report = kiosk.client(central.url).run_round()
    assert report.online and kiosk.sync_statuses() == {"accepted": count}
    return photos


def test_r2_an_offices_photos_come_in_batches_and_another_office_gets_none(
    central: CentralProcess,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    now: dt.datetime,
) -> None:
    photos = _place_orders(kiosk_factory("kiosk-solna-1"), central, 5, now)
    assert central_service.photo_digests() == set(photos)
    desk = kiosk_factory("kiosk-solna-2")
    client = desk.client(central.url)
    paths: list[str] = []
    client.transport._client.event_hooks["request"].append(lambda r: paths.append(r.url.path))
    client.pull()
    assert fetch_photos(desk.store, client.transport, desk.kiosk_id, now, batch_size=2) == 5
    assert paths.count(PHOTOS_PATH) == 3 and "/v1/photo" not in paths
    with desk.store.read_only() as tx:
        assert photos_missing(tx) == []
        assert all(photo_jpeg(tx, desk.store.cipher, d) == jpeg for d, jpeg in photos.items())
    # another office: no order of its own, and none of our photos when it asks for them
    kista = kiosk_factory("kiosk-kista-1", office_id="KK-KISTA")
    assert kista.client(central.url).run_round().online
    with kista.store.read_only() as tx:
        assert photos_missing(tx) == []
    answer = httpx.post(
        f"{central.url}{PHOTOS_PATH}",
        json={"kiosk_id": "kiosk-kista-1", "digests": sorted(photos)},
        timeout=10,
    )
    assert answer.status_code == 200
    refused = PhotoBatchAnswer.from_bytes(answer.content)
    assert not refused.photos and sorted(refused.refused) == sorted(photos)
    # a request beyond the batch size is refused whole
    too_many = httpx.post(
        f"{central.url}{PHOTOS_PATH}",
        json={"kiosk_id": "kiosk-solna-2", "digests": [f"{n:064x}" for n in range(257)]},
        timeout=10,
    )
    assert too_many.status_code == 413 and too_many.json()["error"] == "batch_too_large"


def test_a_fetched_photo_whose_bytes_are_not_its_digests_is_not_kept(
    central: CentralProcess,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    now: dt.datetime,
) -> None:
    photos = _place_orders(kiosk_factory("kiosk-solna-1"), central, 3, now)
    forged, *honest = sorted(photos)
    with central_service.engine.begin() as conn:  # another photo's bytes under its name
        sealed = central_service.cipher.seal(jpeg_bytes(999), photo_aad(forged))
        conn.execute(update(PHOTO).where(PHOTO.c.digest == forged).values(jpeg_enc=sealed))
    desk = kiosk_factory("kiosk-solna-2")
    assert desk.client(central.url).run_round().online
    with desk.store.read_only() as tx:
        assert photos_missing(tx) == [forged]
        assert photo_jpeg(tx, desk.store.cipher, forged) is None
        assert all(photo_jpeg(tx, desk.store.cipher, d) == photos[d] for d in honest)

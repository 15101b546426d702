"""The kiosk's batched photo fetch (``store.sync.photos.fetch_photos``) against a scripted
central: batches of the asked size, each answer kept in one transaction, the photos left
for later asked again, a photo whose bytes are not its digest's never kept, and a central
without the batched route asked one photo at a time."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from clock import FixedClock
from protocol.wire_photos import PhotoBatchAnswer
from store.database import Store
from store.holders import add_holder
from store.orders import add_order, photo_jpeg, photos_missing, put_photos
from store.records import OrderRecord
from store.sync.errors import CentralRefusedError
from store.sync.photos import fetch_photos
from tests.support.kiosk_store import open_kiosk_store
from tests.support.photos import jpeg_bytes

OFFICE = "KK-SOLNA"


@pytest.fixture
def store(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    _keys, kiosk_store, _journal = open_kiosk_store(tmp_path / "kiosk", clock=clock)
    yield kiosk_store
    kiosk_store.close()


def _photos(count: int) -> dict[str, bytes]:
    jpegs = [jpeg_bytes(n + 10) for n in range(count)]
    return {hashlib.sha256(jpeg).hexdigest(): jpeg for jpeg in jpegs}


def _order_photos(store: Store, photos: dict[str, bytes], now: dt.datetime) -> None:
    """An open order naming each photo (none kept here yet)."""
    with store.unit_of_work() as tx:
        holder = add_holder(tx, store.cipher, personnummer="191212121212", name="Tolvan")
        for n, digest in enumerate(photos):
            add_order(
                tx,
                OrderRecord(
                    *(f"order-{n}", holder, OFFICE, OFFICE, now.date(), now.date()),
                    *("ordinary", "a_post", "ordered", None, None, digest, None, None, now),
                ),
            )


class ScriptedCentral:
    """Answers batches from ``photos`` (at most ``per_answer`` each, the rest later);
    records every request."""

    def __init__(self, photos: dict[str, bytes], *, per_answer: int = 100) -> None:
        self.photos = photos
        self.per_answer = per_answer
        self.batches: list[list[str]] = []
        self.singles: list[str] = []
        self.batch_status: int | None = None  # a refusal of the batched route
        self.stuffing: dict[str, bytes] = {}  # photos it sends without being asked

    def fetch_photo_batch(self, kiosk_id: str, digests: Sequence[str]) -> bytes:
        self.batches.append(list(digests))
        if self.batch_status is not None:
            raise CentralRefusedError(status=self.batch_status, detail="no such route")
        found = [d for d in digests if d in self.photos]
        answered = {d: self.photos[d] for d in found[: self.per_answer]} | self.stuffing
        refused = [d for d in digests if d not in self.photos]
        return PhotoBatchAnswer(answered, refused, found[self.per_answer :]).to_bytes()

    def fetch_photo(self, kiosk_id: str, digest: str) -> dict[str, Any]:
        self.singles.append(digest)
        if digest not in self.photos:
            raise CentralRefusedError(status=400, detail="no_such_photo")
        return {"digest": digest, "jpeg": base64.b64encode(self.photos[digest]).decode()}


def _fetch(store: Store, central: ScriptedCentral, now: dt.datetime, size: int) -> int:
    return fetch_photos(store, central, "kiosk-1", now, batch_size=size)  # type: ignore[arg-type]


def test_photos_arrive_in_batches_of_the_asked_size(store: Store, now: dt.datetime) -> None:
    photos = _photos(7)
    _order_photos(store, photos, now)
    central = ScriptedCentral(photos)
    assert _fetch(store, central, now, 3) == 7
    assert [len(batch) for batch in central.batches] == [3, 3, 1] and not central.singles
    with store.read_only() as tx:
        assert photos_missing(tx) == []
        assert all(photo_jpeg(tx, store.cipher, d) == jpeg for d, jpeg in photos.items())


def test_photos_left_for_later_are_asked_for_again(store: Store, now: dt.datetime) -> None:
    photos = _photos(5)
    _order_photos(store, photos, now)
    central = ScriptedCentral(photos, per_answer=2)
    assert _fetch(store, central, now, 5) == 5
    assert [len(batch) for batch in central.batches] == [5, 3, 1]


def test_a_photo_whose_bytes_are_not_its_digests_is_not_kept(
    store: Store, now: dt.datetime
) -> None:
    photos = _photos(3)
    _order_photos(store, photos, now)
    forged, *honest = photos
    central = ScriptedCentral({**photos, forged: jpeg_bytes(99)})
    assert _fetch(store, central, now, 10) == 2
    with store.read_only() as tx:
        assert photos_missing(tx) == [forged]
        assert all(photo_jpeg(tx, store.cipher, d) == photos[d] for d in honest)


def test_photos_the_central_refuses_or_did_not_ask_for_are_not_kept(
    store: Store, now: dt.datetime
) -> None:
    photos = _photos(4)
    _order_photos(store, dict(list(photos.items())[:2]), now)
    central = ScriptedCentral(dict(list(photos.items())[1:3]))  # the first is refused
    central.stuffing = dict(list(photos.items())[3:])  # the last comes unasked
    assert _fetch(store, central, now, 10) == 1
    with store.read_only() as tx:
        kept = [d for d in photos if photo_jpeg(tx, store.cipher, d) is not None]
    assert kept == [list(photos)[1]]  # not the photos no order here names


@pytest.mark.parametrize("status", [404, 405])
def test_a_central_without_the_batched_route_is_asked_one_photo_at_a_time(
    store: Store, now: dt.datetime, status: int
) -> None:
    photos = _photos(3)
    _order_photos(store, photos, now)
    central = ScriptedCentral(photos)
    central.batch_status = status
    assert _fetch(store, central, now, 2) == 3
    assert len(central.batches) == 1 and sorted(central.singles) == sorted(photos)


def test_another_refusal_of_a_batch_keeps_nothing_and_asks_no_further(
    store: Store, now: dt.datetime
) -> None:
    photos = _photos(3)
    _order_photos(store, photos, now)
    central = ScriptedCentral(photos)
    central.batch_status = 403
    assert _fetch(store, central, now, 2) == 0 and not central.singles


def test_put_photos_keeps_the_fitting_ones_and_names_the_others(
    store: Store, now: dt.datetime
) -> None:
    photos = _photos(3)
    first, second, third = photos
    with store.unit_of_work() as tx:
        assert put_photos(tx, store.cipher, {first: photos[first]}, at=now) == []
    with store.unit_of_work() as tx:
        given = {first: b"other bytes", second: photos[second], third: photos[second]}
        assert put_photos(tx, store.cipher, given, at=now) == [first, third]
    with store.read_only() as tx:
        assert photo_jpeg(tx, store.cipher, first) == photos[first]  # kept as it was
        assert photo_jpeg(tx, store.cipher, second) == photos[second]
        assert photo_jpeg(tx, store.cipher, third) is None

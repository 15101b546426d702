"""Card photos handed out in batches at the central (``CentralService.photos_for``): only
those an open order of the kiosk's office names (R2), in the order asked, and no more
bytes per answer than its limit (the rest left for later)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from central.database import make_engine, migrate
from central.fields import CentralCipher
from central.service import CentralService
from clock import FixedClock
from tests.support.photos import jpeg_bytes
from tests.unit.sync.test_central_orders import OFFICE, Counter, placed


@pytest.fixture
def service(tmp_path: Path, clock: FixedClock) -> Iterator[CentralService]:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    migrate(engine)
    svc = CentralService(engine, cipher=CentralCipher.generate(), clock=clock)
    svc.set_operator(hsa_id="CLK", role="clerk", office_id=OFFICE)
    yield svc
    engine.dispose()


def _photo(service: CentralService, seed: int, size: int = 2048) -> str:
    jpeg = jpeg_bytes(seed, size=size)
    digest = hashlib.sha256(jpeg).hexdigest()
    assert service.store_photo("k1", digest, jpeg)
    return digest


def _register(service: CentralService, kiosk_id: str, office: str) -> None:
    public = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    service.register_kiosk(kiosk_id=kiosk_id, office_id=office, public_key=public)


def test_r2_a_batch_holds_the_photos_of_the_offices_open_orders_only(
    service: CentralService,
) -> None:
    counter = Counter(service)
    _register(service, "kista-1", "KK-KISTA")
    ours, closed, unordered, elsewhere = (_photo(service, n) for n in range(1, 5))
    counter.push("order.placed", placed("O1", photo_digest=ours))
    counter.push("order.placed", placed("O2", photo_digest=closed))
    counter.push("order.placed", placed("O3", photo_digest=elsewhere, photo_office_id="KK-KISTA"))
    [done] = [made for made in service.produce() if made.order_id == "O2"]
    activated = {"serial": done.card_serial, "holder_id": "H1", "office_id": OFFICE}
    assert counter.push("card.activated", {**activated, "state": "active"}) == ["accepted"]
    missing = "00" * 32
    asked = [missing, elsewhere, unordered, closed, ours]
    answer = service.photos_for("k1", asked)
    assert list(answer.photos) == [ours]
    assert answer.photos[ours] == jpeg_bytes(1)
    assert list(answer.refused) == [missing, elsewhere, unordered, closed] and not answer.later
    # the other office gets its own order's photo, not ours
    kista = service.photos_for("kista-1", asked)
    assert list(kista.photos) == [elsewhere] and ours in kista.refused
    assert service.photo_for("kista-1", ours) is None
    assert service.photo_for("k1", ours) == jpeg_bytes(1)


def test_an_answer_stops_at_its_byte_limit_and_leaves_the_rest_for_later(
    service: CentralService,
) -> None:
    counter = Counter(service)
    digests = [_photo(service, n, size=4096) for n in range(10, 14)]
    for n, digest in enumerate(digests):
        counter.push("order.placed", placed(f"O{n}", photo_digest=digest))
    answer = service.photos_for("k1", digests, limit=2 * 4200)
    assert list(answer.photos) == digests[:2] and list(answer.later) == digests[2:]
    assert not answer.refused
    # a photo larger than the limit still comes, alone: the kiosk always gets further
    alone = service.photos_for("k1", digests[2:], limit=100)
    assert list(alone.photos) == digests[2:3] and list(alone.later) == digests[3:]

"""Orders figure against a real central on a private PostgreSQL, over mutual TLS.

- sync.orders_pull_1k: a fresh kiosk of office A pulls the 1,000 open orders a kiosk of
  the same office placed (``order.placed``, with their holders) and fetches their photos
  (~20 kB JPEG each, each its own), over one ``CentralTransport`` with a client
  certificate from the test PKI. Baseline, same run, same TLS connection: the same
  number of response bytes fetched raw (``bench.orders_central``'s ``/bench/raw``) in
  the same number of requests the pull and the photo fetch made. The issue gives no
  budget beyond the ratio; the aim is ≤ 2.

``scale`` multiplies the number of orders (1.0 = 1,000). Seeding (the orders pushed and
their photos sent by the first kiosk) is not timed.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.bench_sync import CLERK, OFFICE, _central_service, _kiosk_store, _postgres
from bench.harness import Figure, serving
from bench.orders_central import RAW_PATH
from clock import system_clock

RATIO_AIM = 2.0


def _photos(count: int) -> list[bytes]:
    """``count`` distinct face photos of about 20 kB: the test portrait with a small
    light square where the photo's number says and the JPEG quality varied (so every
    digest differs)."""
    import hashlib

    import numpy as np

    from devices.camera.opencv import Frame, encode_jpeg
    from tests.support.portraits import scenes

    good = scenes()["good"]
    rgb = np.frombuffer(good.rgb_bytes(), dtype=np.uint8).reshape(good.height, good.width, 3)
    photos: list[bytes] = []
    for n in range(count):
        pixels = rgb.copy()
        y, x = divmod(n % 1200, 40)
        pixels[y * 16 : y * 16 + 8, x * 16 : x * 16 + 8] = 255 - n // 1200 % 200
        photos.append(encode_jpeg(Frame.from_rgb(pixels), quality=45 + n % 8))
    if len({hashlib.sha256(p).digest() for p in photos}) != count:
        raise RuntimeError("photo digests repeat")
    return photos


def _personnummer(n: int) -> str:
    """A valid 12-digit personnummer (Luhn check digit) for holder ``n``."""
    body = f"{70 + n // 100000 % 20:02d}{n // 28 % 12 + 1:02d}{n % 28 + 1:02d}{n // 336 % 1000:03d}"
    total = 0
    for index, digit in enumerate(body):
        value = int(digit) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return f"19{body}{(10 - total % 10) % 10}"


def _order_payload(n: int, digest: str, today: str) -> dict[str, Any]:
    """An ``order.placed`` with a holder registered in the order visit."""
    return {
        "order_id": str(uuid.UUID(int=n + 1)),
        "holder_id": f"holder-{n:06d}",
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
        "holder_name": f"Holder Number {n}",
        "personnummer": _personnummer(n),
        "hsa_id": None,
        "organisation": "Region Test",
    }


@dataclass(frozen=True)
class Tls:
    """The test PKI's server and CA files, and a client certificate per kiosk."""

    tls: Any

    @classmethod
    def create(cls, directory: Path) -> Tls:
        from devices.virtual.pki import TestPki
        from tests.support.central_tls import CentralTls

        return cls(CentralTls.create(TestPki.create(now=system_clock()), directory))

    def transport(self, url: str, kiosk_id: str) -> tuple[Any, str]:
        """A transport with its own certificate, and the certificate's fingerprint."""
        from store.sync import CentralTransport

        files = self.tls.client(kiosk_id)
        transport = CentralTransport(
            url,
            client_cert=str(files.cert),
            client_key=str(files.key),
            ca_file=str(self.tls.ca),
            timeout=300,
        )
        return transport, files.fingerprint


@contextlib.contextmanager
def _central(db_url: str, field_key: Path, tls: Tls) -> Iterator[str]:
    from tests.support.pgserver import free_port

    port = free_port()
    files = tls.tls
    argv = [
        *(sys.executable, "-m", "bench.orders_central", db_url, str(field_key), str(port)),
        *(str(files.server_cert), str(files.server_key), str(files.ca)),
    ]
    with serving(argv, port, f"https://127.0.0.1:{port}") as url:
        yield url


class ResponseBytes:
    """Counts the requests a client makes and the body bytes it gets back."""

    def __init__(self) -> None:
        self.requests = 0
        self.bytes = 0

    def __call__(self, response: Any) -> None:
        response.read()
        self.requests += 1
        self.bytes += len(response.content)


def _seed(service: Any, work: Path, url: str, tls: Tls, count: int) -> None:
    """The first kiosk of office A places ``count`` orders, each with its own photo,
    and sends them (photos first, as a round does)."""
    from store.orders import put_photo
    from store.sync import SyncClient
    from store.sync.photos import send_photos

    store, journal = _kiosk_store(work, "kiosk-a1")
    transport, fingerprint = tls.transport(url, "kiosk-a1")
    service.register_kiosk(
        kiosk_id="kiosk-a1",
        office_id=OFFICE,
        public_key=store.keys.public_key_bytes(),
        cert_fingerprint=fingerprint,
    )
    now = system_clock()
    today = now.date().isoformat()
    with store.unit_of_work() as session:
        for n, jpeg in enumerate(_photos(count)):
            import hashlib

            digest = hashlib.sha256(jpeg).hexdigest()
            put_photo(session, store.cipher, jpeg=jpeg, digest=digest, at=now)
            journal.append(
                session,
                event_type="order.placed",
                operator=CLERK,
                payload=_order_payload(n, digest, today),
            )
    if send_photos(store, transport, "kiosk-a1") != count:
        raise RuntimeError("seeding: not every photo was sent")
    report = SyncClient(store=store, journal=journal, transport=transport).push_pending()
    if report.accepted != count:
        raise RuntimeError(f"seeding: not every order was accepted ({report})")
    transport.close()
    store.close()


def orders_pull_1k(scale: float) -> list[Figure]:
    from sqlalchemy import func, select

    from store.models import Order, Photo
    from store.sync import SyncClient
    from store.sync.photos import fetch_photos

    count = max(20, int(1000 * scale))
    work = Path(tempfile.mkdtemp(prefix="bench-orders-"))
    try:
        tls = Tls.create(work / "pki")
        with _postgres() as server:
            db_url = server.create_database("orders")
            service = _central_service(db_url, work / "central.key")
            with _central(db_url, work / "central.key", tls) as url:
                _seed(service, work, url, tls, count)
                store, journal = _kiosk_store(work, "kiosk-a2")
                transport, fingerprint = tls.transport(url, "kiosk-a2")
                service.register_kiosk(
                    kiosk_id="kiosk-a2",
                    office_id=OFFICE,
                    public_key=store.keys.public_key_bytes(),
                    cert_fingerprint=fingerprint,
                )
                transport.head("kiosk-a2")  # the connection open, as in a round
                counter = ResponseBytes()
                transport._client.event_hooks["response"].append(counter)
                client = SyncClient(store=store, journal=journal, transport=transport)
                started = time.perf_counter()
                client.pull()
                pulled = time.perf_counter() - started
                fetched = fetch_photos(store, transport, "kiosk-a2", system_clock())
                value = time.perf_counter() - started
                transport._client.event_hooks["response"].remove(counter)
                # baseline: the same bytes raw, in as many requests, on the same connection
                size = -(-counter.bytes // counter.requests)
                started = time.perf_counter()
                for _ in range(counter.requests):
                    raw = transport._client.get(RAW_PATH, params={"size": size})
                    if raw.status_code != 200 or len(raw.content) != size:
                        raise RuntimeError("raw transfer failed")
                baseline = time.perf_counter() - started
                transport.close()
            with store.read_only() as session:
                orders = session.execute(select(func.count()).select_from(Order)).scalar_one()
                photos = session.execute(select(func.count()).select_from(Photo)).scalar_one()
            store.close()
            service.engine.dispose()
        if orders != count or photos != count or fetched != count:
            raise RuntimeError(f"pull incomplete: {orders} orders, {photos} photos of {count}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    note = (
        f"{count} orders + holders pulled and {count} photos fetched ({counter.bytes} bytes in "
        f"{counter.requests} requests, mutual TLS; pull {pulled:.2f} s, photos "
        f"{value - pulled:.2f} s); baseline: the same bytes raw in as many "
        "GETs on the same connection; aim: ratio <= 2"
    )
    return [
        Figure(
            "sync.orders_pull_1k",
            value,
            "s",
            baseline,
            RATIO_AIM,
            budget_kind="max_ratio",
            note=note,
        )
    ]


FIGURES = {"sync.orders_pull_1k": orders_pull_1k}

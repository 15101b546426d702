"""The central's HTTP edge against a real uvicorn process over mutual TLS: who is asking
is settled from the client certificate before a byte of the body is read, an oversized
body is refused with 413 while it streams in (nothing like its size is ever buffered),
and parsing and verification run off the event loop, so ``/v1/health`` keeps answering."""

from __future__ import annotations

import datetime as dt
import re
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.service import CentralService
from clock import FixedClock
from devices.virtual.pki import TestPki
from protocol.event_format import GENESIS_HASH, SignedEvent, format_timestamp
from protocol.wire import DEFAULT_MAX_BODY_BYTES, MAX_PUSH_EVENTS
from tests.support.central_tls import CentralTls, ClientFiles
from tests.support.sync_world import CentralProcess, Kiosk

pytestmark = pytest.mark.integration

MB = 1024 * 1024
BIG = 60 * MB


@pytest.fixture
def central_db(tmp_path: Path) -> str:
    """The edge does not depend on the database: SQLite keeps these tests quick."""
    return f"sqlite:///{tmp_path / 'central.sqlite3'}"


@pytest.fixture
def tls(tmp_path: Path, now: dt.datetime) -> CentralTls:
    return CentralTls.create(TestPki.create(now=now), tmp_path / "pki")


@pytest.fixture
def registered(
    tls: CentralTls, kiosk_factory: Callable[..., Kiosk], central_service: CentralService
) -> tuple[Kiosk, ClientFiles]:
    kiosk = kiosk_factory("kiosk-edge")
    client = tls.client(kiosk.kiosk_id)
    central_service.register_kiosk(
        kiosk_id=kiosk.kiosk_id,
        office_id=kiosk.office_id,
        public_key=kiosk.keys.public_key_bytes(),
        cert_fingerprint=client.fingerprint,
    )
    return kiosk, client


@pytest.fixture
def central(
    central_factory: Callable[..., CentralProcess],
    tls: CentralTls,
    registered: tuple[Kiosk, ClientFiles],
) -> CentralProcess:
    return central_factory(*tls.server_args())


def _memory_kb(process: CentralProcess, field: str) -> int:
    assert process.proc is not None
    status = Path(f"/proc/{process.proc.pid}/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    assert found, status
    return int(found.group(1))


def _read_response(sock: ssl.SSLSocket, data: bytes = b"") -> tuple[int, bytes]:
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a response: {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = re.search(rb"content-length: (\d+)", head, re.IGNORECASE)
    assert length, head
    while len(rest) < int(length.group(1)):
        rest += sock.recv(65536)
    return int(head.split()[1]), rest


def _poll(sock: ssl.SSLSocket) -> bytes:
    """What the central has answered so far (TLS records that carry no data, such as
    session tickets, give nothing), without waiting."""
    sock.setblocking(False)
    try:
        return sock.recv(65536)
    except (ssl.SSLWantReadError, BlockingIOError):
        return b""
    finally:
        sock.settimeout(10)


def _empty_objects(total: int) -> Iterator[bytes]:
    """``{"kiosk_id": ..., "events": [{},{},...]}`` of ``total`` bytes, 1 MiB at a time."""
    head, tail = b'{"kiosk_id":"kiosk-edge","events":[', b"{}]}"
    yield head
    left = total - len(head) - len(tail)
    while left > 0:
        size = min(left, MB) // 3 * 3 or left
        yield (b"{}," * (size // 3 + 1))[:size]
        left -= size
    yield tail


class HealthWatch:
    """Asks ``/v1/health`` every 20 ms from its own connection; the slowest answer."""

    def __init__(self, url: str, context: ssl.SSLContext) -> None:
        self._client = httpx.Client(base_url=url, verify=context, timeout=10)
        self._stop = threading.Event()
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                response = self._client.get("/v1/health")
                if response.json() != {"ok": True}:
                    self.failures.append(str(response.status_code))
            except httpx.HTTPError as exc:
                self.failures.append(type(exc).__name__)
            self.latencies.append(time.perf_counter() - started)
            self._stop.wait(0.02)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(15)
        self._client.close()


def _stream_push(
    sock: ssl.SSLSocket, chunks: Iterator[bytes], *, total: int, chunked: bool
) -> tuple[int, bytes, int, float]:
    """Send a push of ``total`` bytes until the central answers; returns the status, the
    answer, the bytes sent and the seconds from the request head to the answer."""
    framing = b"Transfer-Encoding: chunked" if chunked else b"Content-Length: %d" % total
    sock.sendall(
        b"POST /v1/push HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + framing
        + b"\r\n\r\n"
    )
    started = time.perf_counter()
    sent, answered = 0, b""
    for chunk in chunks:
        answered = _poll(sock)
        if answered:
            break
        sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
        sent += len(chunk)
    else:
        if chunked:
            sock.sendall(b"0\r\n\r\n")
    status, body = _read_response(sock, answered)
    return status, body, sent, time.perf_counter() - started


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_60_mb_push_gets_413_while_it_streams_and_health_answers_meanwhile(
    central: CentralProcess,
    tls: CentralTls,
    registered: tuple[Kiosk, ClientFiles],
    chunked: bool,
) -> None:
    _, client = registered
    context = tls.context(client)
    with httpx.Client(base_url=central.url, verify=context, timeout=10) as warm:
        assert warm.get("/v1/health").json() == {"ok": True}
    peak_before = _memory_kb(central, "VmHWM")
    with HealthWatch(central.url, context) as health, tls.connect(central.port, client) as sock:
        status, body, sent, seconds = _stream_push(
            sock, _empty_objects(BIG), total=BIG, chunked=chunked
        )
        time.sleep(0.3)  # health keeps being asked after the answer too
    assert status == 413, body
    assert b'"body_too_large"' in body
    assert sent < BIG / 2, "refused while the body streamed in, not after it"
    assert seconds < 5, seconds
    grown_mb = (_memory_kb(central, "VmHWM") - peak_before) / 1024
    assert grown_mb < 40, f"the central's peak memory grew by {grown_mb:.0f} MB"
    assert health.failures == []
    assert len(health.latencies) >= 3
    assert max(health.latencies) < 1.0, max(health.latencies)


def test_a_certificate_no_kiosk_is_registered_with_is_refused_before_the_body(
    central: CentralProcess, tls: CentralTls
) -> None:
    stranger = tls.client("kiosk-stranger")  # chains to the CA, registered for no kiosk
    with tls.connect(central.port, stranger) as sock:
        sock.sendall(
            b"POST /v1/push HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % BIG
        )
        status, body = _read_response(sock)  # without a byte of the body sent
    assert status == 403, body
    assert b'"wrong_certificate"' in body


def test_health_answers_while_a_full_batch_is_parsed_and_verified(
    central: CentralProcess,
    tls: CentralTls,
    registered: tuple[Kiosk, ClientFiles],
    clock: FixedClock,
) -> None:
    kiosk, client = registered
    impostor = Ed25519PrivateKey.generate()  # signatures that do not verify: all checked
    events, prev = [], GENESIS_HASH
    for seq in range(1, MAX_PUSH_EVENTS + 1):
        event = SignedEvent.create(
            impostor,
            event_id=str(uuid.uuid4()),
            kiosk_id=kiosk.kiosk_id,
            seq=seq,
            occurred_at=format_timestamp(clock()),
            operator="SE2321000016-CLK1",
            event_type="identity.checked",
            payload={"document": "passport", "note": "x" * 300},
            prev_hash=prev,
        )
        prev = event.hash
        events.append(event.to_dict())
    context = tls.context(client)
    with (
        HealthWatch(central.url, context) as health,
        httpx.Client(base_url=central.url, verify=context, timeout=60) as http,
    ):
        request = http.build_request(
            "POST", "/v1/push", json={"kiosk_id": kiosk.kiosk_id, "events": events}
        )
        assert len(request.content) < DEFAULT_MAX_BODY_BYTES
        answer = http.send(request)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert len(results) == MAX_PUSH_EVENTS
    assert {r["reason"] for r in results} == {"bad signature"}
    assert health.failures == []
    assert max(health.latencies) < 1.0, max(health.latencies)

"""The load generator of ``sync.capacity``, a process of its own: ``python -m
bench.load_kiosks KEYS_FILE URL DURATION`` runs one thread per kiosk of KEYS_FILE (JSON:
kiosk id → Ed25519 private key seed, hex), each pushing a batch of 10 signed events every
250 ms on a fixed schedule (``sync.load_20``'s shape) in the format kiosks write (format 2: one
signature check per batch at the central), and prints one JSON object: the push
latencies in seconds, the failed pushes and the events accepted. The batches are signed
and encoded before the step starts and sent over one keep-alive HTTP connection per
kiosk (the standard library's client), so the generator's own work during the step is
small: on a 2-core machine it shares the cores with the central and PostgreSQL."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BATCH = 10
PACE_SECONDS = 0.25
CLERK = "SE2321000016-CLK1"
CARDS = 200


def _payload(seq: int, k: int) -> tuple[str, dict[str, Any]]:
    if seq % 2:
        serial = f"SN{(seq * 7 + k) % CARDS:08d}"
        return "refusal", {
            "reason": "error.card_is_blocked",
            "action": "card_test",
            "serial": serial,
        }
    return "identity.checked", {
        "check_id": f"check-{seq}",
        "holder_id": None,
        "task": "activation",
        "document_kind": "passport",
        "issuing_state": "SWE",
        "document_number_hash": f"{seq:064x}",
        "expiry": "2030-01-01",
        "result": "approved",
        "verdict": "ok",
        "photo_matches": True,
        "reason": None,
    }


def _signed_batches(
    kiosk_id: str, seed: str, k: int, batches: int, occurred_at: str
) -> list[bytes]:
    """The kiosk's push bodies for the whole step, signed before it starts: during the
    step the generator only sends, so its own CPU does not eat the central's cores."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from protocol.event_format import (
        CURRENT_FORMAT,
        GENESIS_HASH,
        GENESIS_SIGNATURE,
        SignedEvent,
    )

    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed))
    prev, prev_signature, seq = GENESIS_HASH, GENESIS_SIGNATURE, 0
    bodies = []
    for _ in range(batches):
        events = []
        for _ in range(BATCH):
            seq += 1
            event_type, payload = _payload(seq, k)
            event = SignedEvent.create(
                key,
                event_id=str(uuid.uuid4()),
                kiosk_id=kiosk_id,
                seq=seq,
                occurred_at=occurred_at,
                operator=CLERK,
                event_type=event_type,
                payload=payload,
                prev_hash=prev,
                prev_signature=prev_signature,
                event_format=CURRENT_FORMAT,
            )
            prev, prev_signature = event.hash, event.signature
            events.append(event.to_dict())
        bodies.append(json.dumps({"kiosk_id": kiosk_id, "events": events}).encode())
    return bodies


def _push(connection: http.client.HTTPConnection, body: bytes) -> bool:
    connection.request("POST", "/v1/push", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    answer = response.read()
    if response.status != 200:
        return False
    return all(r["status"] == "accepted" for r in json.loads(answer)["results"])


def run(keys: dict[str, str], url: str, duration: float) -> dict[str, Any]:
    from clock import system_clock
    from protocol.event_format import format_timestamp

    target = urlsplit(url)
    batches = int(duration / PACE_SECONDS) + 2
    occurred_at = format_timestamp(system_clock())
    bodies = {
        kiosk_id: _signed_batches(kiosk_id, seed, k, batches, occurred_at)
        for k, (kiosk_id, seed) in enumerate(sorted(keys.items()))
    }
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start_at = time.monotonic() + 0.5
    stop_at = start_at + duration

    def kiosk(k: int, kiosk_id: str) -> None:
        # a fixed schedule: push n at first + n × PACE (a late answer delays the next push,
        # but the schedule does not drift), so each kiosk sends duration / PACE batches
        first = start_at + PACE_SECONDS * k / len(keys)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        for n, body in enumerate(bodies[kiosk_id]):
            due = first + n * PACE_SECONDS
            if due >= stop_at:
                break
            time.sleep(max(0.0, due - time.monotonic()))
            started = time.perf_counter()
            try:
                ok = _push(connection, body)
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                ok = False
                connection.close()  # reconnects at the next request
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors[0] += 0 if ok else 1
        connection.close()

    threads = [
        threading.Thread(target=kiosk, args=(k, kiosk_id))
        for k, kiosk_id in enumerate(sorted(keys))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors[0], "seconds": duration}


def spawn(keys: dict[str, str], url: str, seconds: float, work: Path) -> dict[str, Any]:
    """Run the generator in a process of its own for ``seconds``; its JSON result."""
    root = Path(__file__).resolve().parents[1]
    keys_file = work / f"keys-{len(keys)}-{uuid.uuid4().hex[:8]}.json"
    keys_file.write_text(json.dumps(keys), encoding="ascii")
    done = subprocess.run(
        [sys.executable, "-m", "bench.load_kiosks", str(keys_file), url, str(seconds)],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 120,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def register_kiosks(service: Any, office_id: str, prefix: str, count: int) -> dict[str, str]:
    """``count`` kiosks registered at the central with fresh keys: id → seed (hex)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    keys: dict[str, str] = {}
    for k in range(count):
        key = Ed25519PrivateKey.generate()
        kiosk_id = f"{prefix}{k:03d}"
        service.register_kiosk(
            kiosk_id=kiosk_id,
            office_id=office_id,
            public_key=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        )
        keys[kiosk_id] = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()).hex()
    return keys


def main(argv: list[str]) -> int:
    keys_file, url, duration = argv
    keys = json.loads(Path(keys_file).read_text(encoding="ascii"))
    print(json.dumps(run(keys, url, float(duration))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

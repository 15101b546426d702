"""The load generator of ``sync.capacity``, a process of its own: ``python -m
bench.load_kiosks KEYS_FILE URL DURATION`` runs one thread per kiosk of KEYS_FILE (JSON:
kiosk id → Ed25519 private key seed, hex), each pushing a batch of 10 signed events at
most every 250 ms (``sync.load_20``'s shape) in the format kiosks write (format 2: one
signature check per batch at the central), and prints one JSON object: the push
latencies in seconds, the failed pushes and the events accepted."""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

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


def run(keys: dict[str, str], url: str, duration: float) -> dict[str, Any]:
    import httpx
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from clock import system_clock
    from protocol.event_format import (
        CURRENT_FORMAT,
        GENESIS_HASH,
        GENESIS_SIGNATURE,
        SignedEvent,
        format_timestamp,
    )

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start_at = time.monotonic() + 0.5
    stop_at = start_at + duration

    def kiosk(k: int, kiosk_id: str, seed: str) -> None:
        key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed))
        prev, prev_signature, seq = GENESIS_HASH, GENESIS_SIGNATURE, 0
        time.sleep(max(0.0, start_at - time.monotonic()) + PACE_SECONDS * k / len(keys))
        with httpx.Client(base_url=url, timeout=30) as client:
            while time.monotonic() < stop_at:
                cycle = time.monotonic()
                events = []
                for _ in range(BATCH):
                    seq += 1
                    event_type, payload = _payload(seq, k)
                    event = SignedEvent.create(
                        key,
                        event_id=str(uuid.uuid4()),
                        kiosk_id=kiosk_id,
                        seq=seq,
                        occurred_at=format_timestamp(system_clock()),
                        operator=CLERK,
                        event_type=event_type,
                        payload=payload,
                        prev_hash=prev,
                        prev_signature=prev_signature,
                        event_format=CURRENT_FORMAT,
                    )
                    prev, prev_signature = event.hash, event.signature
                    events.append(event.to_dict())
                started = time.perf_counter()
                try:
                    response = client.post(
                        "/v1/push", json={"kiosk_id": kiosk_id, "events": events}
                    )
                    ok = response.status_code == 200 and all(
                        r["status"] == "accepted" for r in response.json()["results"]
                    )
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    errors[0] += 0 if ok else 1
                time.sleep(max(0.0, PACE_SECONDS - (time.monotonic() - cycle)))

    threads = [
        threading.Thread(target=kiosk, args=(k, kiosk_id, seed))
        for k, (kiosk_id, seed) in enumerate(sorted(keys.items()))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors[0], "seconds": duration}


def main(argv: list[str]) -> int:
    keys_file, url, duration = argv
    keys = json.loads(Path(keys_file).read_text(encoding="ascii"))
    print(json.dumps(run(keys, url, float(duration))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

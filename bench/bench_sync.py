"""Sync figures against a real uvicorn central on a private PostgreSQL.

- sync.push_10k: a kiosk's backlog of 10,000 journal events pushed (read from its
  store, sent in batches, verified, deduplicated, applied and answered, answers
  recorded) — budget ≤ 5 s. sync.push_10k.ratio: the same against the baseline of a
  raw COPY of the same rows into the same database plus the signature checks the design
  needs (one per batch of linked format 2 events) — budget ≤ 1.5.
- sync.load_20.p50/p95/p99: 20 kiosks pushing at once against one central for one
  minute (each a batch of 10 signed events every 250 ms on a fixed schedule, loopback
  only); sync.load_20.errors: failed pushes, budget 0.

``scale`` multiplies event and card counts and the load duration. The private PostgreSQL
server is the tests' (``tests/support/pgserver.py``): run from the repository root,
``python -m kiosk bench sync``.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.harness import Figure, percentile, serving
from clock import system_clock

OFFICE = "KK-SOLNA"
CLERK = "SE2321000016-CLK1"


@contextlib.contextmanager
def _postgres() -> Iterator[Any]:
    from tests.support.pgserver import running_postgres

    with running_postgres(durable=True) as server:
        yield server


@contextlib.contextmanager
def _central(db_url: str, field_key: Path, *, workers: int = 1) -> Iterator[str]:
    from tests.support.pgserver import free_port

    port = free_port()
    argv = [
        *(sys.executable, "-m", "kiosk", "central", "--db", db_url),
        *("--field-key", str(field_key), "--listen", f"127.0.0.1:{port}"),
        "--insecure-no-client-auth",  # a loopback benchmark: no client certificates
        *("--workers", str(workers)),
    ]
    with serving(argv, port, f"http://127.0.0.1:{port}") as url:
        yield url


def _central_service(db_url: str, field_key: Path) -> Any:
    """The central database, migrated, with the roster; ``field_key`` is created."""
    from central.database import make_engine, migrate
    from central.fields import CentralCipher
    from central.service import CentralService

    engine = make_engine(db_url)
    migrate(engine)
    service = CentralService(engine, cipher=CentralCipher.from_file(field_key), clock=system_clock)
    service.set_operator(hsa_id=CLERK, role="clerk", office_id=OFFICE)
    return service


def _kiosk_store(directory: Path, kiosk_id: str) -> tuple[Any, Any]:
    from store.database import open_store
    from store.journal import Journal
    from store.keys import KioskKeys

    keys = KioskKeys.generate()
    store = open_store(f"sqlite:///{directory / f'{kiosk_id}.sqlite3'}", keys)
    return store, Journal(kiosk_id, keys, store.cipher, clock=system_clock)


# ----------------------------------------------------------------------------- push


def _identity_payload(n: int) -> dict[str, Any]:
    """An identity check as the kiosk writes it (the central checks the schema)."""
    return {
        "check_id": f"check-{n}",
        "holder_id": None,
        "task": "activation",
        "document_kind": "passport",
        "issuing_state": "SWE",
        "document_number_hash": f"{n:064x}",
        "expiry": "2030-01-01",
        "result": "approved",
        "verdict": "ok",
        "photo_matches": True,
        "reason": None,
    }


def _refusal_payload(serial: str) -> dict[str, Any]:
    """A refusal at the counter: an event about a card that changes no card."""
    return {"reason": "error.card_is_blocked", "action": "card_test", "serial": serial}


BATCH = 1000


def push_10k(scale: float) -> list[Figure]:
    from store.sync import CentralTransport, SyncClient

    count = max(100, int(10_000 * scale))
    cards = max(10, count // 10)
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        with _postgres() as server:
            db_url = server.create_database("push")
            service = _central_service(db_url, work / "central.key")
            service.put_cards(
                {"serial": f"SN{n:08d}", "office_id": OFFICE, "state": "shipped"}
                for n in range(cards)
            )
            store, journal = _kiosk_store(work, "kiosk-bench")
            with store.unit_of_work() as session:
                for n in range(count):
                    if n % 3 == 0:
                        journal.append(
                            session,
                            event_type="refusal",
                            operator=CLERK,
                            payload=_refusal_payload(f"SN{n % cards:08d}"),
                        )
                    else:
                        journal.append(
                            session,
                            event_type="identity.checked",
                            operator=CLERK,
                            payload=_identity_payload(n),
                        )
            service.register_kiosk(
                kiosk_id="kiosk-bench", office_id=OFFICE, public_key=store.keys.public_key_bytes()
            )
            with _central(db_url, work / "central.key") as url:
                transport = CentralTransport(url, timeout=60)
                client = SyncClient(
                    store=store, journal=journal, transport=transport, batch_size=BATCH
                )
                started = time.perf_counter()
                report = client.push_pending()
                value = time.perf_counter() - started
                transport.close()
            if report.accepted != count or service.event_counts("kiosk-bench") != {
                "accepted": count
            }:
                raise RuntimeError(f"push incomplete: {report}")
            # baseline: verify the same signatures + raw COPY of the same rows
            events = list(service.events("kiosk-bench"))
            public = store.keys.public_key_bytes()
            import psycopg

            raw_url = db_url.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(raw_url) as conn:
                conn.execute(
                    "CREATE TABLE raw_event (LIKE central_event INCLUDING DEFAULTS)"
                )  # same columns, no constraints
                conn.commit()
                sealed = dict(
                    conn.execute("SELECT event_id, payload_enc FROM central_event").fetchall()
                )  # the stored (encrypted) payloads: the same rows as the central wrote
                started = time.perf_counter()
                # the signatures the design needs: one per batch of linked format 2
                # events (central.chain_signatures), each batch's last
                for event in events[BATCH - 1 :: BATCH] + events[-1:]:
                    if not event.signature_ok(public):
                        raise RuntimeError("signature")
                with (
                    conn.cursor() as cur,
                    cur.copy(
                        "COPY raw_event (id, event_id, kiosk_id, seq, occurred_at, received_at,"
                        " operator, event_type, payload_enc, prev_hash, hash, signature, status,"
                        " reason, linked) FROM STDIN"
                    ) as copy,
                ):
                    now = system_clock().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                    for n, event in enumerate(events, start=1):
                        copy.write_row(
                            (
                                n,
                                event.event_id,
                                event.kiosk_id,
                                event.seq,
                                event.occurred_at,
                                now,
                                event.operator,
                                event.event_type,
                                sealed[event.event_id],
                                event.prev_hash,
                                event.hash,
                                event.signature,
                                "accepted",
                                None,
                                True,
                            )
                        )
                conn.commit()
                baseline = time.perf_counter() - started
            store.close()
            service.engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    note = (
        f"{count} events, batches of {BATCH}, PostgreSQL fsync on; baseline: raw COPY of the "
        "same rows plus the signatures the design checks (one per batch)"
    )
    return [
        Figure("sync.push_10k", value, "s", baseline, 5.0 * max(scale, 0.01), note=note),
        Figure(
            "sync.push_10k.ratio", value, "s", baseline, 1.5, budget_kind="max_ratio", note=note
        ),
    ]


# ----------------------------------------------------------------------------- load


def load_20(scale: float) -> list[Figure]:
    """20 kiosks pushing batches of 10 every 250 ms (800 events/s), the load generator
    in a process of its own (``bench.load_kiosks``, as ``sync.capacity``'s steps)."""
    from bench.load_kiosks import BATCH, CARDS, PACE_SECONDS, register_kiosks, spawn

    kiosks = 20
    duration = max(5.0, 60.0 * scale)
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp, _postgres() as server:
        work = Path(tmp)
        db_url = server.create_database("load")
        service = _central_service(db_url, work / "central.key")
        service.put_cards(
            {"serial": f"SN{n:08d}", "office_id": OFFICE, "state": "active"} for n in range(CARDS)
        )
        keys = register_kiosks(service, OFFICE, "kiosk-", kiosks)
        with _central(db_url, work / "central.key") as url:
            result = spawn(keys, url, duration, work)
        accepted = service.event_counts().get("accepted", 0)
        service.engine.dispose()
    latencies = [float(x) * 1000 for x in result["latencies"]] or [0.0]
    errors = int(result["errors"])
    note = (
        f"{kiosks} kiosks, batches of {BATCH} every {PACE_SECONDS * 1000:.0f} ms, "
        f"{duration:.0f} s, {len(result['latencies'])} pushes, "
        f"{accepted} events accepted, load generator in its own process"
    )
    return [
        Figure("sync.load_20.p50", percentile(latencies, 50), "ms", None, None, note=note),
        Figure("sync.load_20.p95", percentile(latencies, 95), "ms", None, None, note=note),
        Figure("sync.load_20.p99", percentile(latencies, 99), "ms", None, None, note=note),
        Figure("sync.load_20.errors", float(errors), "count", None, 0.0, note=note),
    ]


FIGURES = {
    "sync.push_10k": push_10k,
    "sync.load_20": load_20,
}

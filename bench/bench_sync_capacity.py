"""sync.capacity: the highest sustained push rate at which the central keeps push p99
under 100 ms with no failed push.

The central (``kiosk central --workers 2``: one process per core) and PostgreSQL run on this
machine; the load comes from a process of its own (``bench.load_kiosks``) with
``sync.load_20``'s fixed shape: each kiosk pushes a batch of 10 signed events every 250 ms
on a fixed schedule (40 events/s per kiosk). The rate is stepped up by adding kiosks
(:data:`STEPS`), each step :data:`STEP_SECONDS` long with kiosks of its own (fresh chains),
by ten from the budget's 60 kiosks (2,400 events/s) to 100; the search stops
at the first step that misses p99 < 100 ms or has an error. The figure is the rate the
last good step sustained (answered events per second), its baseline the 20-kiosk load's
800 events/s; budget ≥ 3× that (2,400 events/s).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.bench_sync import OFFICE, _central, _central_service, _postgres
from bench.harness import Figure, percentile
from bench.load_kiosks import BATCH, CARDS, PACE_SECONDS, register_kiosks, spawn

STEPS = (20, 40, 60, 70, 80, 90, 100, 120, 140)
STEP_SECONDS = 10.0
P99_LIMIT_MS = 100.0
WORKERS = 2  # kiosk central --workers: one process per core of the 2-core machine
LOAD_20_RATE = 20 * BATCH / PACE_SECONDS  # 800 events/s


def capacity(scale: float) -> list[Figure]:
    seconds = max(3.0, STEP_SECONDS * scale)
    held_rate, held_note = 0.0, "no step held"
    steps_run: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-capacity-") as tmp, _postgres() as server:
        work = Path(tmp)
        db_url = server.create_database("capacity")
        service = _central_service(db_url, work / "central.key")
        service.put_cards(
            {"serial": f"SN{n:08d}", "office_id": OFFICE, "state": "active"} for n in range(CARDS)
        )
        step_keys = [
            register_kiosks(service, OFFICE, f"cap-{step}-", kiosks)
            for step, kiosks in enumerate(STEPS)
        ]
        with _central(db_url, work / "central.key", workers=WORKERS) as url:
            for kiosks, keys in zip(STEPS, step_keys, strict=True):
                result = spawn(keys, url, seconds, work)
                latencies = [float(x) * 1000 for x in result["latencies"]]  # type: ignore[attr-defined]
                errors = int(result["errors"])  # type: ignore[call-overload]
                rate = len(latencies) * BATCH / seconds
                p99 = percentile(latencies or [0.0], 99)
                p50 = percentile(latencies or [0.0], 50)
                steps_run.append(
                    f"{kiosks} kiosks: {rate:.0f} ev/s p50 {p50:.0f} ms p99 {p99:.0f} ms "
                    f"errors {errors}"
                )
                if errors or p99 >= P99_LIMIT_MS or not latencies:
                    break
                held_rate = rate
                held_note = f"{kiosks} kiosks"
        service.engine.dispose()
    note = (
        f"held at {held_note}; steps of {seconds:.0f} s, batches of {BATCH} every "
        f"{PACE_SECONDS * 1000:.0f} ms per kiosk, load generator in its own process; "
        + "; ".join(steps_run)
    )
    return [
        Figure(
            "sync.capacity",
            held_rate,
            "events/s",
            LOAD_20_RATE,
            3 * LOAD_20_RATE,
            budget_kind="min_value",
            note=note,
        )
    ]


FIGURES = {"sync.capacity": capacity}

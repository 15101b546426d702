"""Bootstrap figure against a real central on a private PostgreSQL.

- sync.bootstrap_1m: 1,000,000 cards (and their holders) pulled into an empty kiosk
  store — budget ≤ 90 s; sync.bootstrap_1m.ratio against a raw SQLite executemany of
  the same rows into the same schema — budget ≤ 3.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_sync import OFFICE, _central, _central_service, _kiosk_store, _postgres
from bench.harness import Figure


def _seed_cards_copy(db_url: str, count: int, cipher: Any) -> None:
    """Holders and cards straight into the central tables (seeding is not timed); the
    holders' personal fields sealed as the central stores them."""
    import json

    import psycopg

    from central.fields import holder_aad

    raw_url = db_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(raw_url) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY central_holder (holder_id, office_id, data, personal_enc, personnummer_idx,"
            " change_id) FROM STDIN"
        ) as copy:
            for n in range(count):
                holder_id = f"H{n:09d}"
                clear, sealed, index = cipher.split(
                    {
                        "personnummer": f"19{n % 90 + 10:02d}0101{n % 10000:04d}",
                        "name": f"Holder Number {n}",
                        "organisation": "Region Test",
                    },
                    holder_aad(holder_id),
                )
                copy.write_row((holder_id, OFFICE, json.dumps(clear), sealed, index, n + 1))
        with cur.copy(
            "COPY central_card (serial, office_id, holder_id, product_number, state, data,"
            " change_id) FROM STDIN"
        ) as copy:
            for n in range(count):
                copy.write_row(
                    (
                        f"SN{n:010d}",
                        OFFICE,
                        f"H{n:09d}",
                        ("701", "511", "611")[n % 3],
                        ("shipped", "active", "blocked")[n % 3],
                        json.dumps(
                            {
                                "shipment_method": "a_post",
                                "order_date": "2026-10-01",
                                "photo_date": "2026-09-20",
                            }
                        ),
                        count + n + 1,
                    )
                )
        cur.execute("UPDATE central_counter SET value = %s WHERE name = 'change'", (2 * count,))
        cur.execute("ANALYZE")
        conn.commit()


def bootstrap_1m(scale: float) -> list[Figure]:
    import sqlite3

    from store.sync import CentralTransport, SyncClient

    count = max(1000, int(1_000_000 * scale))
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        with _postgres() as server:
            db_url = server.create_database("boot")
            service = _central_service(db_url, work / "central.key")
            _seed_cards_copy(db_url, count, service.cipher)
            store, journal = _kiosk_store(work, "kiosk-new")
            service.register_kiosk(
                kiosk_id="kiosk-new", office_id=OFFICE, public_key=store.keys.public_key_bytes()
            )
            with _central(db_url, work / "central.key") as url:
                transport = CentralTransport(url, timeout=300)
                client = SyncClient(store=store, journal=journal, transport=transport)
                started = time.perf_counter()
                report = client.pull()
                value = time.perf_counter() - started
                transport.close()
            store.close()
            service.engine.dispose()
        kiosk_db = work / "kiosk-new.sqlite3"
        source = sqlite3.connect(kiosk_db)
        cards = source.execute("SELECT count(*) FROM cards").fetchone()[0]
        if cards != count:
            raise RuntimeError(f"bootstrap incomplete: {cards} of {count} cards ({report})")
        # baseline: the same rows, executemany into an empty copy of the same schema
        schema = [
            r[0]
            for r in source.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
                " ORDER BY type = 'index'"
            )
        ]
        holders = source.execute("SELECT * FROM holders").fetchall()
        card_rows = source.execute("SELECT * FROM cards").fetchall()
        offices = source.execute("SELECT * FROM offices").fetchall()
        source.close()
        raw_path = work / "raw.sqlite3"
        raw = sqlite3.connect(raw_path, isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=FULL")
        raw.execute("PRAGMA foreign_keys=ON")
        for statement in schema:
            raw.execute(statement)
        started = time.perf_counter()
        raw.execute("BEGIN")
        raw.executemany("INSERT INTO offices VALUES (?, ?)", offices)
        marks = ",".join("?" * len(holders[0]))
        raw.executemany(f"INSERT INTO holders VALUES ({marks})", holders)
        marks = ",".join("?" * len(card_rows[0]))
        raw.executemany(f"INSERT INTO cards VALUES ({marks})", card_rows)
        raw.execute("COMMIT")
        baseline = time.perf_counter() - started
        raw.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    note = f"{count} cards + {count} holders over HTTP, pages of 50000"
    return [
        Figure("sync.bootstrap_1m", value, "s", baseline, 90.0 * max(scale, 0.01), note=note),
        Figure(
            "sync.bootstrap_1m.ratio", value, "s", baseline, 3.0, budget_kind="max_ratio", note=note
        ),
    ]


FIGURES = {"sync.bootstrap_1m": bootstrap_1m}

"""Store figures: bulk import, lookups by personnummer and serial, journal audit rate.

Every figure measures its raw baseline in the same run, on the same machine, into the
same schema. Data lives in a temporary directory. ``scale`` multiplies the issue's
sizes (1,000,000 holders and cards; 100,000 journal events); 0.01 for quick runs.
"""

from __future__ import annotations

import atexit
import os
import random
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from hashlib import sha256
from pathlib import Path
from typing import Any

from bench.harness import Figure, median, percentile

IMPORT_SIZE = 1_000_000
JOURNAL_SIZE = 100_000
LOOKUPS = 5_000
WARMUP = 500

_cache: dict[float, Any] = {}
_tmp = tempfile.TemporaryDirectory(prefix="bench-store-")
atexit.register(_tmp.cleanup)


def _pnr(i: int) -> str:
    return f"{190000000000 + i:012d}"


def _inputs(n: int) -> tuple[list[Any], list[Any]]:
    from store.bulk import CardInput, HolderInput

    holders = []
    cards = []
    base = date(2024, 1, 1)
    moment = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    states = ("ordered", "shipped", "active", "blocked", "returned")
    for i in range(n):
        holder_id = f"h-{i:09d}"
        holders.append(
            HolderInput(
                id=holder_id,
                personnummer=_pnr(i),
                name=f"Förnamn{i} Efternamnsson{i % 997}",
                hsa_id=f"SE2321000016-{i:07d}",
                organisation="Region Stockholm",
            )
        )
        order = base + timedelta(days=i % 700)
        cards.append(
            CardInput(
                serial=f"SE{i:010d}",
                holder_id=holder_id,
                state=states[i % len(states)],
                shipment_method="a_post" if i % 3 else "registered",
                order_date=order,
                photo_date=order - timedelta(days=1) if i % 4 else None,
                with_photo=bool(i % 4),
                photo_office_id=None,
                rek_id=None if i % 3 else f"RR{i:09d}SE",
                product_number=("712", "512", "612", None)[i % 4],
                sis_marked=i % 50 == 0,
                updated_at=moment,
            )
        )
    return holders, cards


def _fresh_store(name: str) -> Any:
    from store.database import open_store
    from store.keys import load_or_create_keys

    folder = Path(_tmp.name) / name
    keys = load_or_create_keys(folder / "kiosk.key")
    return open_store(f"sqlite:///{folder / 'kiosk.sqlite3'}", keys)


def _raw_connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


def _imported(scale: float) -> dict[str, Any]:
    """Import once per scale (ours and the raw baseline); lookups reuse the result."""
    if scale in _cache:
        return _cache[scale]
    from store.bulk import (
        CARD_INSERT_SQL,
        HOLDER_INSERT_SQL,
        TERM_INSERT_SQL,
        card_rows,
        holder_rows,
        import_holders_and_cards,
        search_term_rows,
    )

    n = max(1000, int(IMPORT_SIZE * scale))
    holders, cards = _inputs(n)

    # Raw baseline: the same rows (already encrypted), plain sqlite3 executemany.
    base_store = _fresh_store(f"raw-{scale}")
    rows_h = list(holder_rows(base_store.cipher, holders))
    rows_t = list(search_term_rows(base_store.cipher, holders))
    rows_c = list(card_rows(cards))
    base_path = Path(base_store.engine.url.database)
    base_store.close()
    connection = _raw_connect(base_path)
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(HOLDER_INSERT_SQL, rows_h)
    connection.executemany(TERM_INSERT_SQL, rows_t)
    connection.executemany(CARD_INSERT_SQL, rows_c)
    connection.execute("COMMIT")
    raw_seconds = time.perf_counter() - started
    connection.close()
    del rows_h, rows_t, rows_c

    store = _fresh_store(f"ours-{scale}")
    result = import_holders_and_cards(store, holders, cards)
    data = {
        "n": n,
        "store": store,
        "ours_seconds": result.seconds,
        "raw_seconds": raw_seconds,
        "path": Path(store.engine.url.database),
    }
    _cache[scale] = data
    return data


def import_1m(scale: float) -> Figure:
    data = _imported(scale)
    return Figure(
        name="store.import_1m",
        value=data["ours_seconds"],
        unit="s",
        baseline=data["raw_seconds"],
        budget=2.0,
        budget_kind="max_ratio",
        note=f"{data['n']} holders + {data['n']} cards, AES-GCM + blind indexes (search terms "
        "too) included; "
        "baseline: raw sqlite3 executemany of the same encrypted rows, same schema",
    )


def _time_calls(fn: Any, args: list[Any]) -> list[float]:
    for arg in args[:WARMUP]:
        fn(arg)
    samples = []
    clock = time.perf_counter
    for arg in args:
        start = clock()
        fn(arg)
        samples.append(clock() - start)
    return samples


def _lookup_figures(scale: float, kind: str) -> list[Figure]:
    from store.lookup import Lookup

    data = _imported(scale)
    store = data["store"]
    rng = random.Random(2026)
    picks = [rng.randrange(data["n"]) for _ in range(LOOKUPS)]
    raw = sqlite3.connect(data["path"], isolation_level=None)
    lookup = Lookup(store)
    try:
        if kind == "personnummer":
            keys = [_pnr(i) for i in picks]
            indexes = [store.cipher.personnummer_index(k) for k in keys]
            sql = (
                "SELECT id, personnummer_enc, hsa_id, name_enc, organisation "
                "FROM holders WHERE personnummer_idx = ?"
            )
            ours = _time_calls(lookup.holder_by_personnummer, keys)
            assert all(lookup.holder_by_personnummer(k) is not None for k in keys[:50])
        else:
            keys = [f"SE{i:010d}" for i in picks]
            indexes = keys
            sql = "SELECT * FROM cards WHERE serial = ?"
            ours = _time_calls(lookup.card_by_serial, keys)
            assert all(lookup.card_by_serial(k) is not None for k in keys[:50])
        base = _time_calls(lambda v: raw.execute(sql, (v,)).fetchone(), indexes)
    finally:
        lookup.close()
        raw.close()
    note = f"{len(keys)} random lookups in {data['n']} rows; raw = indexed sqlite3 query"
    return [
        Figure(
            name=f"store.lookup_{kind}_p99",
            value=percentile(ours, 99) * 1000,
            unit="ms",
            baseline=percentile(base, 99) * 1000,
            budget=2.0,
            budget_kind="max_value",
            note=note,
        ),
        Figure(
            name=f"store.lookup_{kind}_median_ratio",
            value=median(ours) * 1e6,
            unit="µs",
            baseline=median(base) * 1e6,
            budget=3.0,
            budget_kind="max_ratio",
            note=note,
        ),
    ]


def lookup_personnummer(scale: float) -> list[Figure]:
    return _lookup_figures(scale, "personnummer")


def lookup_serial(scale: float) -> list[Figure]:
    return _lookup_figures(scale, "serial")


def _journal(scale: float) -> tuple[Any, Any, int]:
    """The benchmark journal (built once per scale): its store, journal and size."""
    if ("journal", scale) in _cache:
        return _cache[("journal", scale)]  # type: ignore[no-any-return]
    from clock import system_clock
    from store.journal import Journal

    n = max(2000, int(JOURNAL_SIZE * scale))
    store = _fresh_store(f"journal-{scale}")
    journal = Journal("kiosk-bench-1", store.keys, store.cipher, clock=system_clock)
    with store.unit_of_work() as session:
        for i in range(n):
            journal.append(
                session,
                event_type="card.activated",
                operator="SE2321000016-0001",
                payload={"serial": f"SE{i:010d}", "holder_id": f"h-{i:09d}", "office": "KK-SOLNA"},
            )
    _cache[("journal", scale)] = (store, journal, n)
    return store, journal, n


def _raw_verify_rate() -> float:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    messages = [sha256(os.urandom(8)).digest() for _ in range(2000)]
    signatures = [key.sign(m) for m in messages]
    started = time.perf_counter()
    for message, signature in zip(messages, signatures, strict=True):
        public.verify(signature, message)
    return len(messages) / (time.perf_counter() - started)


def audit_verify_rate(scale: float) -> Figure:
    store, journal, n = _journal(scale)
    with store.unit_of_work() as session:
        report = journal.verify_chain(session)
    assert report.ok and report.events_checked == n, report.describe()
    return Figure(
        name="journal.audit_verify_rate",
        value=report.rate,
        unit="events/s",
        baseline=_raw_verify_rate(),
        budget=10_000.0,
        budget_kind="min_value",
        note=f"{n} events, the kiosk's own audit: chain checked with the public key (one "
        "signature at the head) plus every payload decrypted and matched to its digest, "
        f"across {os.cpu_count()} processes; baseline: raw Ed25519 verify rate on one core",
    )


def public_verify_rate(scale: float) -> Figure:
    """Public-key verification of an exported bundle, with the raw hashing of the same
    canonical bytes in the same run as its baseline."""
    from protocol.chain_event import v2_hash
    from protocol.journal_bundle import parse_event_line, verify_bundle
    from store.journal_export import export_bundle

    store, journal, n = _journal(scale)
    bundle = Path(_tmp.name) / f"journal-{scale}.bundle"
    with store.unit_of_work() as session:
        export_bundle(
            session,
            bundle,
            kiosk_id=journal.kiosk_id,
            kiosk_public_key=store.keys.public_key_bytes(),
        )
    rates = []
    for _ in range(3):
        report = verify_bundle(bundle)
        assert report.ok and report.events_checked == n, report.problem
        rates.append(report.rate)
    records = [parse_event_line(line) for line in bundle.read_bytes().splitlines()[1:]]
    started = time.perf_counter()
    for record in records:
        assert record is not None
        v2_hash(record)
    raw_hash_rate = n / (time.perf_counter() - started)
    return Figure(
        name="journal.public_verify_rate",
        value=median(rates),
        unit="events/s",
        baseline=raw_hash_rate,
        budget=100_000.0,
        budget_kind="min_value",
        note=f"{n} events in a bundle, public keys only (no decryption): read, parse, "
        f"hash, link, one signature at the head, across {os.cpu_count()} processes, median "
        f"of 3; per-event Ed25519 would cap it at {_raw_verify_rate():.0f}/s per core; "
        "baseline: raw SHA-256 of the same canonical lines on one core",
    )


FIGURES = {
    "store.import_1m": import_1m,
    "store.lookup_personnummer": lookup_personnummer,
    "store.lookup_serial": lookup_serial,
    "journal.audit_verify_rate": audit_verify_rate,
    "journal.public_verify_rate": public_verify_rate,
}

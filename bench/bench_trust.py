"""Revocation lookup against a cached CRL of 100,000 entries (issue 14).

The CRL is parsed and its signature checked once (``RevocationList.load``, timed and shown
in the note); each lookup is then a set membership test on the issuer's revoked serials.
Value: the median time of one ``RevocationCache.lookup`` per certificate; baseline in the
same run: a raw ``serial in frozenset`` on the same serials.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from bench.harness import Figure, median, time_many

ENTRIES = 100_000
TODAY = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


def revocation_lookup(scale: float) -> Figure:
    from devices.card.revocation import RevocationCache, RevocationList
    from devices.virtual.pki import TestPki
    from devices.virtual.pki_crl import issue_crl

    n = max(1000, int(ENTRIES * scale))
    pki = TestPki.create(now=TODAY)
    rng = random.Random(14)
    serials = [rng.getrandbits(120) | 1 for _ in range(n)]
    certs = [pki.issue_holder(f"SE2321000016-B{i:04d}", "B").authentication.cert for i in range(20)]
    serials[: len(certs) // 2] = [c.serial_number for c in certs[: len(certs) // 2]]
    der = issue_crl(
        pki.person_ca, serials, this_update=TODAY, next_update=TODAY + dt.timedelta(days=7)
    )
    start = time.perf_counter()
    loaded = RevocationList.load(der, [pki.person_ca.cert])
    load_s = time.perf_counter() - start
    cache = RevocationCache([loaded])
    lookups = 2000

    def lookup_all() -> None:
        for i in range(lookups):
            cache.lookup(certs[i % len(certs)], TODAY)

    revoked = loaded.revoked
    wanted = [c.serial_number for c in certs]

    def raw_all() -> None:
        for i in range(lookups):
            _ = wanted[i % len(wanted)] in revoked

    lookup_all()
    value = median(time_many(lookup_all, 7)) / lookups * 1000
    raw = median(time_many(raw_all, 7)) / lookups * 1000
    return Figure(
        name="trust.revocation_lookup_ms",
        value=value,
        unit="ms",
        baseline=raw,
        budget=1.0,
        budget_kind="max_value",
        note=f"CRL of {n} entries ({len(der) / 1e6:.1f} MB), parsed and signature-checked once "
        f"in {load_s:.2f} s; {lookups} lookups x 7, median; baseline: raw serial in frozenset",
    )


FIGURES = {"trust.revocation_lookup_ms": revocation_lookup}

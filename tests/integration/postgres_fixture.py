"""The private PostgreSQL server for tests: it lives in the package (``store.pgserver``)
so benchmarks and local trials can use it from an installed kiosk too."""

from __future__ import annotations

from store.pgserver import (
    PostgresServer,
    free_port,
    pg_bin,
    running_postgres,
    start_postgres,
)

__all__ = ["PostgresServer", "free_port", "pg_bin", "running_postgres", "start_postgres"]

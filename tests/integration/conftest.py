"""Fixtures shared by every integration test directory (real servers, started once)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.pgserver import PostgresServer, pg_bin, start_postgres


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One private PostgreSQL server for the whole test session."""
    if pg_bin() is None:
        pytest.fail("PostgreSQL server binaries missing: apt-get install postgresql")
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()

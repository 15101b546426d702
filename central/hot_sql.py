"""The push's hottest statements as plain SQL (``exec_driver_sql``), inside the
SQLAlchemy transaction that holds the connection.

Building, cache-keying and wrapping a Core statement costs about 0.5 ms of CPU; the same
statement as driver SQL about 0.2 ms (PostgreSQL, measured 2026-12-03). A push of ten
events runs a handful of them, and at the central's capacity CPU is the limit. Errors
still pass through SQLAlchemy (a lost connection is recognised and the push retried).
Rows come back as the driver gives them: no type processing. Column and table names are
those of ``central.models``; a statement names its columns, so a new column is not read
until it is added to the statement (the card locks take theirs from the table, so they
read every column).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection


class HotSql:
    """Plain statements on ``conn``'s DB-API connection: ``%s`` marks and one array
    parameter for an id list on PostgreSQL, ``?`` marks and an expanded list on SQLite."""

    def __init__(self, conn: Connection, *, postgres: bool) -> None:
        self._conn = conn
        self._postgres = postgres
        self._mark = "%s" if postgres else "?"

    def among(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        """``column`` in ``values``: the condition and its parameters."""
        if self._postgres:
            return f"{column} = ANY(%s)", [list(values)]
        return f"{column} IN ({', '.join('?' * len(values))})", list(values)

    def rows(self, sql: str, params: Sequence[Any], *, lock: bool = False) -> list[tuple[Any, ...]]:
        """The rows of a query; ``lock``: the rows locked until commit (``FOR UPDATE`` on
        PostgreSQL; SQLite's write transaction holds the whole database)."""
        if lock and self._postgres:
            sql += " FOR UPDATE"
        result = self._conn.exec_driver_sql(sql.replace("%s", self._mark), tuple(params))
        return [tuple(row) for row in result]

    def run(self, sql: str, params: Sequence[Any]) -> None:
        self._conn.exec_driver_sql(sql.replace("%s", self._mark), tuple(params))

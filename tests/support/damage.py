"""Damaging a SQLite database file the way a failing disk does: pages of garbage."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def garbage_pages(db_path: Path, table: str) -> None:
    """Overwrite the root pages of ``table`` and its indexes with garbage (the file header
    and the schema page stay intact)."""
    connection = sqlite3.connect(db_path)
    try:
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
        roots = [
            root
            for (root,) in connection.execute(
                "SELECT rootpage FROM sqlite_master WHERE tbl_name = ? AND rootpage > 1", (table,)
            )
        ]
    finally:
        connection.close()
    data = bytearray(db_path.read_bytes())
    for root in roots:
        data[(root - 1) * page_size : root * page_size] = bytes([0xA5, 0x17]) * (page_size // 2)
    db_path.write_bytes(bytes(data))

"""DataTable columns sized from what they show: each column as wide as its header and its
widest cell, given when the column is added. With widths measured later from the rows (the
DataTable's own auto width, on an idle moment), a busy machine could draw the rows before
their widths were known, cut to the header's width."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.widgets import DataTable


def fill_sized(
    table: DataTable[str],
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[str]],
) -> None:
    """Replace the table's columns (``(key, header)`` pairs) and rows; row ``i`` gets key
    ``str(i)``."""
    table.clear(columns=True)
    for number, (key, header) in enumerate(columns):
        width = max([cell_len(header), *(cell_len(row[number]) for row in rows)])
        table.add_column(header, key=key, width=width)
    for index, cells in enumerate(rows):
        table.add_row(*cells, key=str(index))

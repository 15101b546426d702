"""Pull: the changes of a kiosk's office after its cursor, one page at a time.

The page is built as wire JSON text (``protocol.wire.PullPage``): the database builds
the row arrays itself (json_agg / json_group_array), so a page costs no Python per
row, except the rows with personal fields, which are opened here (one decryption per
row) and joined in as text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from central.access import CentralAccess
from central.database import CHANGE_COUNTER
from central.fields import card_aad, holder_aad, operator_aad, order_aad
from central.tables import COUNTER
from protocol.wire import DEFAULT_PULL_LIMIT, PULL_COLUMNS

MAX_PULL = 50_000


@dataclass(frozen=True)
class Change:
    change_id: int
    entity: str  # card | holder | order | operator | puk
    key: str
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "change_id": self.change_id,
            "entity": self.entity,
            "key": self.key,
            "data": self.data,
        }


@dataclass(frozen=True)
class PullAnswer:
    cursor: int
    more: bool
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cursor": self.cursor,
            "more": self.more,
            "changes": [c.to_dict() for c in self.changes],
        }


class PullOperations(CentralAccess):
    """Handing a kiosk the changes of its office."""

    def pull_json(self, kiosk_id: str, cursor: int, limit: int = DEFAULT_PULL_LIMIT) -> str:
        """Changes for the kiosk's office after ``cursor`` as the wire JSON text.

        ``{"cursor", "more", "tables": {entity: {"columns": [...], "rows": [[...]]}}}``.
        The upper bound is the committed change counter: every change id up to it is
        committed (ids are allocated under the counter row lock until commit), so the
        new cursor never passes a change that is not visible yet. Each table gives at
        most ``limit`` rows; when a table has more, the page ends at the smallest
        ``limit``-th change id among the full tables. The database builds the row
        arrays itself (json_agg / json_group_array), so a page costs no Python per row.
        """
        kiosk = self._kiosk(kiosk_id)
        office = str(kiosk["office_id"])
        limit = max(1, min(limit, MAX_PULL))
        with self.engine.connect() as conn:
            high = int(
                conn.execute(
                    select(COUNTER.c.value).where(COUNTER.c.name == CHANGE_COUNTER)
                ).scalar_one()
            )
            cut: int | None = None
            for entity, _columns in PULL_TABLES:
                table_name = PULL_TABLE_NAMES[entity]
                where = self._pull_where(entity)
                row = conn.exec_driver_sql(
                    f"SELECT change_id FROM {table_name} WHERE {where} "  # noqa: S608 (constant names)
                    f"ORDER BY change_id LIMIT 1 OFFSET {limit - 1}",
                    self._pull_params(cursor, high, office),
                ).first()
                if row is not None:
                    cut = int(row[0]) if cut is None else min(cut, int(row[0]))
            upper = high if cut is None else cut
            parts: list[str] = []
            for entity, columns in PULL_TABLES:
                table_name = PULL_TABLE_NAMES[entity]
                where = self._pull_where(entity)
                params = self._pull_params(cursor, upper, office)
                if entity in SEALED_AAD:
                    # rows without personal fields: built by the database; rows with
                    # them: their sealed part opened here (see _sealed_rows)
                    text = conn.exec_driver_sql(
                        self._pull_rows_sql(
                            table_name, columns, where + " AND personal_enc IS NULL"
                        ),
                        params,
                    ).scalar_one()
                    text = _join_arrays(
                        text,
                        self._sealed_rows(
                            conn,
                            entity=entity,
                            table_name=table_name,
                            columns=columns,
                            where=where,
                            params=params,
                        ),
                    )
                else:
                    text = conn.exec_driver_sql(
                        self._pull_rows_sql(table_name, columns, where), params
                    ).scalar_one()
                parts.append(
                    f'"{entity}":{{"columns":{json.dumps(list(columns))},"rows":{text or "[]"}}}'
                )
        new_cursor = max(cursor, upper)
        more = "true" if cut is not None else "false"
        return f'{{"cursor":{new_cursor},"more":{more},"tables":{{{",".join(parts)}}}}}'

    def _pull_where(self, entity: str) -> str:
        mark = "%(" if self._postgres else ":"
        end = ")s" if self._postgres else ""
        where = f"change_id > {mark}low{end} AND change_id <= {mark}high{end}"
        if entity != "operator":
            where += f" AND office_id = {mark}office{end}"
        return where

    @staticmethod
    def _pull_params(low: int, high: int, office: str) -> dict[str, Any]:
        return {"low": low, "high": high, "office": office}

    def _pull_rows_sql(self, table_name: str, columns: Sequence[str], where: str) -> str:
        names = ", ".join(columns)
        if self._postgres:
            return (
                f"SELECT coalesce(json_agg(json_build_array({names}) ORDER BY change_id), "  # noqa: S608
                f"'[]')::text FROM {table_name} WHERE {where}"
            )
        values = ", ".join("json(data)" if c == "data" else c for c in columns)
        return (
            f"SELECT json_group_array(json_array({values})) FROM "  # noqa: S608 (constant names)
            f"(SELECT {names} FROM {table_name} WHERE {where} ORDER BY change_id)"
        )

    def _sealed_rows(
        self,
        conn: Connection,
        *,
        entity: str,
        table_name: str,
        columns: Sequence[str],
        where: str,
        params: Mapping[str, Any],
    ) -> list[str]:
        """Wire rows (JSON arrays as text) of the rows that have personal fields: the
        clear ``data`` text and the opened personal JSON object are merged as text
        (they share no key), so a row costs one AES-GCM decryption and no JSON parse.
        ``data`` is the last wire column of every sealed entity."""
        assert columns[-1] == "data"
        head = ", ".join(columns[:-1])
        data_text = "data::text" if self._postgres else "json(data)"
        rows = conn.exec_driver_sql(
            f"SELECT {head}, {data_text}, personal_enc FROM {table_name} "  # noqa: S608
            f"WHERE {where} AND personal_enc IS NOT NULL",
            dict(params),
        ).all()
        aad = SEALED_AAD[entity]
        open_ = self.cipher.open
        dumps = json.dumps
        out: list[str] = []
        for row in rows:
            *values, clear_text, blob = row
            personal = open_(blob, aad(str(values[1]))).decode("utf-8")
            body = str(clear_text or "{}").strip()[1:-1].strip()
            merged = "{" + body + ("," if body else "") + personal[1:]
            out.append(dumps(values)[:-1] + "," + merged + "]")
        return out

    def pull(self, kiosk_id: str, cursor: int, limit: int = DEFAULT_PULL_LIMIT) -> PullAnswer:
        """:meth:`pull_json` decoded into :class:`Change` objects, oldest first."""
        page = json.loads(self.pull_json(kiosk_id, cursor, limit))
        changes: list[Change] = []
        for entity, table in page["tables"].items():
            columns = table["columns"]
            for values in table["rows"]:
                data = dict(zip(columns, values, strict=True))
                change_id = int(data.pop("change_id"))
                key = str(data.pop(columns[1]))
                changes.append(Change(change_id, entity, key, data))
        changes.sort(key=lambda c: c.change_id)
        return PullAnswer(int(page["cursor"]), bool(page["more"]), changes)


PULL_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(PULL_COLUMNS.items())
PULL_TABLE_NAMES = {
    "holder": "central_holder",
    "operator": "central_operator",
    "card": "central_card",
    "order": "central_order",
    "puk": "central_puk_entry",
}

SEALED_AAD: dict[str, Callable[[str], bytes]] = {
    "holder": holder_aad,
    "card": card_aad,
    "order": order_aad,
    "operator": operator_aad,
}


def _join_arrays(text: str | None, rows: list[str]) -> str:
    """A JSON array text from the database plus more row texts."""
    base = (text or "[]").strip()
    if not rows:
        return base
    if base == "[]":
        return "[" + ",".join(rows) + "]"
    return base[:-1] + "," + ",".join(rows) + "]"

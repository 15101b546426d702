"""``kiosk central --operators FILE``: several roster entries in one administration call.

FILE (``-`` for standard input, so the names need not rest in a file) holds a JSON list of
``{"hsa_id": str, "role": "clerk" | "id_admin", "name": str (optional), "active": bool
(optional, true)}``. The whole list is checked before any entry is written: a bad entry
is a :class:`CentralConfigError` naming its place and nothing is stored.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from central.errors import CentralConfigError

ROLES = ("clerk", "id_admin")
_FIELDS = frozenset({"hsa_id", "role", "name", "active"})


@dataclass(frozen=True)
class RosterEntry:
    hsa_id: str
    role: str
    name: str | None
    active: bool


def _refused(problem: str) -> CentralConfigError:
    return CentralConfigError(path="--operators", key_name="operators", problem=problem)


def read_roster(source: str) -> list[RosterEntry]:
    """The entries of ``source`` (a path, or ``-`` for standard input)."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _refused(f"cannot read {source}: {type(exc).__name__}") from None
    return parse_roster(text)


def parse_roster(text: str) -> list[RosterEntry]:
    try:
        entries = json.loads(text)
    except ValueError:
        raise _refused("not JSON (expected a list of operators)") from None
    if not isinstance(entries, list):
        raise _refused("expected a list of operators")
    return [_entry(number, raw) for number, raw in enumerate(entries, start=1)]


def _entry(number: int, raw: object) -> RosterEntry:
    where = f"operator {number}"
    if not isinstance(raw, dict):
        raise _refused(f"{where}: expected an object")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise _refused(f"{where}: unknown field {unknown[0]}")
    hsa_id, role = raw.get("hsa_id"), raw.get("role")
    name, active = raw.get("name"), raw.get("active", True)
    if not isinstance(hsa_id, str) or not hsa_id.strip():
        raise _refused(f"{where}: hsa_id must be a non-empty string")
    if role not in ROLES:
        raise _refused(f"{where}: role must be one of {', '.join(ROLES)}")
    if name is not None and not isinstance(name, str):
        raise _refused(f"{where}: name must be a string")
    if not isinstance(active, bool):
        raise _refused(f"{where}: active must be true or false")
    return RosterEntry(hsa_id=hsa_id, role=str(role), name=name, active=active)

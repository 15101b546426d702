"""Applying a pulled page defensively: a change the kiosk cannot apply is set aside.

The whole page is written in one savepoint (the fast path). When that fails on the data
(a value that is not what its column needs, a row of the wrong shape, a constraint), the
page is written again one change at a time, each in its own savepoint: the changes that
apply are kept, each one that does not is *quarantined* - its entity, key, change id and
a reason (never its values: they may be personal) are kept in the sync state and shown
to the operator with the rejected events - and the pull cursor moves on past it. The
central still holds the change; a later change to the same row brings it again.

Errors of the database itself (locked, disk full, connection lost) are not data errors:
they end the round, which the worker runs again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy.exc
from sqlalchemy.orm import Session

from protocol.wire import PullEntity, PullPage, PullTable
from store.database import Store
from store.state import get_state, set_state
from store.sync.apply_pull import PulledFieldError, apply_page

log = logging.getLogger(__name__)

QUARANTINE_KEY = "sync.quarantine"
MAX_KEPT = 500  # the newest; older ones are dropped (the central still has them)


@dataclass(frozen=True)
class QuarantinedChange:
    """A pulled change the kiosk could not apply (no values: the key at most)."""

    entity: str
    key: str
    change_id: int
    reason: str


def _data_errors(session: Session) -> tuple[type[BaseException], ...]:
    """What a bad row can raise: Python's value errors, the driver's data errors and
    SQLAlchemy's wrappers of them; not the driver's OperationalError."""
    dbapi = session.connection().dialect.dbapi
    driver = tuple(
        error
        for name in ("IntegrityError", "DataError", "ProgrammingError", "InterfaceError")
        if isinstance(error := getattr(dbapi, name, None), type)
    )
    return (
        ValueError,
        TypeError,
        LookupError,
        AttributeError,
        sqlalchemy.exc.IntegrityError,
        sqlalchemy.exc.DataError,
        sqlalchemy.exc.ProgrammingError,
        sqlalchemy.exc.InterfaceError,
        *driver,
    )


def apply_page_guarded(
    store: Store,
    session: Session,
    page: PullPage,
    *,
    now: datetime,
    puk_key: bytes | None = None,
) -> tuple[int, list[QuarantinedChange]]:
    """:func:`~store.sync.apply_pull.apply_page`, with every change that cannot be
    applied quarantined instead of failing the page; returns (changes applied, the
    quarantined ones), the latter also recorded in the sync state."""
    data_errors = _data_errors(session)
    try:
        with session.begin_nested():
            return apply_page(store, session, page, now=now, puk_key=puk_key), []
    except data_errors:
        log.warning("a pulled page did not apply whole; applying it change by change")
    applied = 0
    set_aside: list[QuarantinedChange] = []
    for entity in PullEntity:
        table = page.table(entity)
        for row in table.rows:
            single = PullPage(page.cursor, False, {entity: PullTable(table.columns, [row])})
            try:
                with session.begin_nested():
                    applied += apply_page(store, session, single, now=now, puk_key=puk_key)
            except data_errors as exc:
                change = QuarantinedChange(
                    entity.value, _key(row), _change_id(row), _reason(exc, entity)
                )
                log.warning(
                    "pulled %s change %d set aside: %s",
                    entity.value,
                    change.change_id,
                    change.reason,
                )
                set_aside.append(change)
    if set_aside:
        remember(session, set_aside)
    return applied, set_aside


def _key(row: Any) -> str:
    if isinstance(row, Sequence) and not isinstance(row, str) and len(row) > 1:
        return str(row[1])[:64]
    return "?"


def _change_id(row: Any) -> int:
    if isinstance(row, Sequence) and not isinstance(row, str) and row:
        try:
            return int(row[0])
        except (TypeError, ValueError):
            return 0
    return 0


def _reason(exc: BaseException, entity: PullEntity) -> str:
    """Why, without the value (a driver's or Python's message may quote it)."""
    if isinstance(exc, PulledFieldError):
        return str(exc)
    return f"{entity.value} row cannot be stored ({type(exc).__name__})"


def remember(session: Session, changes: Sequence[QuarantinedChange]) -> None:
    """Add ``changes`` to the quarantine list in the caller's transaction."""
    kept = [asdict(c) for c in quarantined(session)] + [asdict(c) for c in changes]
    set_state(session, QUARANTINE_KEY, json.dumps(kept[-MAX_KEPT:], ensure_ascii=False))


def quarantined(session: Session) -> list[QuarantinedChange]:
    """The quarantined changes, oldest first (an unreadable list reads as empty)."""
    text = get_state(session, QUARANTINE_KEY)
    if not text:
        return []
    try:
        items = json.loads(text)
        return [
            QuarantinedChange(
                str(i["entity"]), str(i["key"]), int(i["change_id"]), str(i["reason"])
            )
            for i in items
        ]
    except (ValueError, TypeError, KeyError):
        log.warning("the quarantine list in the sync state is unreadable")
        return []

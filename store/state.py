"""Small key/value state of the store (sync cursor and the like), in ``sync_state``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from store.models import SyncState

_S = SyncState.__table__  # type: ignore[attr-defined]


def get_state(session: Session, key: str) -> str | None:
    value = session.execute(select(_S.c.value).where(_S.c.key == key)).scalar_one_or_none()
    return None if value is None else str(value)


def set_state(session: Session, key: str, value: str) -> None:
    """Insert or replace ``key`` inside the caller's transaction."""
    result = session.execute(update(_S).where(_S.c.key == key).values(value=value))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.execute(insert(_S).values(key=key, value=value))


#: When the kiosk last completed a sync round with the central (ISO timestamp).
LAST_SYNC_SUCCESS_KEY = "sync.last_success"


def last_sync_success(session: Session) -> dt.datetime | None:
    """The end of the last successful sync round (the roster's age), None if never."""
    stamp = get_state(session, LAST_SYNC_SUCCESS_KEY)
    if stamp is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)

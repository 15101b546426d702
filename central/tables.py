"""The central's tables as SQLAlchemy ``Table`` objects, and how an event is stored."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Table

from central.models import (
    CentralCard,
    CentralCounter,
    CentralEvent,
    CentralForkAlarm,
    CentralHolder,
    CentralKiosk,
    CentralOperator,
    CentralOrder,
    CentralPukEntry,
)
from protocol.event_format import HASHED_FIELDS

EVENT: Table = CentralEvent.__table__  # type: ignore[attr-defined]
KIOSK: Table = CentralKiosk.__table__  # type: ignore[attr-defined]
CARD: Table = CentralCard.__table__  # type: ignore[attr-defined]
HOLDER: Table = CentralHolder.__table__  # type: ignore[attr-defined]
ORDER: Table = CentralOrder.__table__  # type: ignore[attr-defined]
OPERATOR: Table = CentralOperator.__table__  # type: ignore[attr-defined]
PUK: Table = CentralPukEntry.__table__  # type: ignore[attr-defined]
COUNTER: Table = CentralCounter.__table__  # type: ignore[attr-defined]
FORK_ALARM: Table = CentralForkAlarm.__table__  # type: ignore[attr-defined]

SIGNED_FIELDS = (*HASHED_FIELDS, "hash", "signature")
# the stored columns of an event: the signed fields with the payload sealed
STORED_FIELDS = tuple("payload_enc" if name == "payload" else name for name in SIGNED_FIELDS)


def chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    """``items`` in slices of ``size`` (bound parameters per statement stay few)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]

"""Refusals are journaled: one ``refusal`` event each, for the day report.

A workflow service method decorated with :func:`journals_refusals` records a rule
refusal it raises (or, with ``returned=``, a refusal its decision carries) as one journal
event of type ``refusal`` in its own small transaction, then re-raises::

    {"reason": "<catalogue key of the refusing error>", "action": "<workflow>",
     "serial": "<card serial or null>"}

No personal data beyond the card serial goes into it. Input typos are not refusals:
PIN policy errors (too short, repeat mismatch, ...), an invalid personnummer, incomplete
card facts and the workflow errors about devices, PUK typing or the store are left out;
every other :class:`~kiosk.errors.DomainError` (R1-R11 rules: wrong office, replaced
card, reorder too early, not by code letter, role not permitted, document not Swedish,
illegal card state, ...) and :class:`CardOfAnotherHolderError` count.

The same refusal of the same card by the same operator for the same workflow is
recorded once within :data:`REPEAT_WINDOW` (the activation check on Enter and the
attempt with Ctrl+S that follows are one refusal at the counter).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
import threading
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from kiosk.errors import (
    CardFactsIncompleteError,
    DomainError,
    InvalidPersonnummerError,
    KioskError,
    PinPolicyError,
)
from kiosk.services.workflows.errors import CardOfAnotherHolderError
from protocol.event_types import EventType

log = logging.getLogger(__name__)

REFUSAL_EVENT = EventType.REFUSAL
REPEAT_WINDOW = dt.timedelta(minutes=10)
NOT_REFUSALS: tuple[type[KioskError], ...] = (
    PinPolicyError,
    InvalidPersonnummerError,
    CardFactsIncompleteError,
)
_JOURNALED = "_refusal_journaled"

P = ParamSpec("P")
R = TypeVar("R")


def is_rule_refusal(exc: BaseException) -> bool:
    """A refusal by a rule (journaled), as opposed to a typo or a device/store fault."""
    if isinstance(exc, NOT_REFUSALS):
        return False
    return isinstance(exc, DomainError | CardOfAnotherHolderError)


class RefusalRecorder:
    """Writes ``refusal`` events through a workflow ``Backend`` (store, journal, clock)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: tuple[tuple[str | None, str, str, str | None], dt.datetime] | None = None

    def record(
        self,
        backend: Any,
        *,
        operator: str | None,
        action: str,
        exc: BaseException,
        serial: str | None,
    ) -> str | None:
        """The event id, or None when it repeats the last refusal or cannot be written."""
        reason = getattr(exc, "key", type(exc).__name__)
        now = backend.clock()
        key = (operator, action, reason, serial)
        with self._lock:
            last = self._last
            if last is not None and last[0] == key and abs(now - last[1]) < REPEAT_WINDOW:
                return None
            self._last = (key, now)
        try:
            with backend.store.unit_of_work() as tx:
                return str(
                    backend.append(
                        tx,
                        operator,
                        REFUSAL_EVENT,
                        {"reason": reason, "action": action, "serial": serial},
                    )
                )
        except Exception:  # the refusal stands even when it cannot be journaled
            log.exception("refusal of %s not journaled", action)
            return None


def _who_and_what(bound: inspect.BoundArguments) -> tuple[str | None, str | None]:
    arguments = bound.arguments
    serial = arguments.get("serial")
    if serial is None and arguments.get("form") is not None:
        serial = getattr(arguments["form"], "serial", None)
    operator = arguments.get("operator")
    if operator is None and arguments.get("visit") is not None:
        operator = getattr(arguments["visit"], "operator", None)
    hsa_id = getattr(operator, "hsa_id", None)
    return (
        hsa_id if isinstance(hsa_id, str) else None,
        serial if isinstance(serial, str) and serial else None,
    )


def journals_refusals(
    action: str, *, returned: Callable[[Any], BaseException | None] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a workflow service method (its ``self._s`` is the ``Backend``)."""

    def decorate(method: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(method)

        def record(args: tuple[Any, ...], kwargs: dict[str, Any], exc: BaseException) -> None:
            backend = getattr(args[0], "_s", None) if args else None
            if backend is None or getattr(exc, _JOURNALED, False):
                return
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError:
                return
            operator, serial = _who_and_what(bound)
            backend.refusals.record(
                backend, operator=operator, action=action, exc=exc, serial=serial
            )
            setattr(exc, _JOURNALED, True)

        @functools.wraps(method)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                result = method(*args, **kwargs)
            except KioskError as exc:
                if is_rule_refusal(exc):
                    record(args, kwargs, exc)
                raise
            if returned is not None:
                refusal = returned(result)
                if refusal is not None and is_rule_refusal(refusal):
                    record(args, kwargs, refusal)
            return result

        return wrapper

    return decorate

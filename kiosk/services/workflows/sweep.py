"""The deadline sweep (R10, R11): run at start and every hour by the app."""

from __future__ import annotations

import datetime as dt

from kiosk.services.workflows.common import Backend
from kiosk.services.workflows.deadlines import DeadlineService, SweepReport


class DeadlineSweep:
    """``sweep(now)`` blocks each card with an overdue open deadline, one ``card.blocked``
    event (priority 0) per card; a second run finds nothing left to do.

    The events carry ``operator`` (constructor default, or per call): the logged-in
    operator, or None when the kiosk runs the sweep by itself before anyone logs in.
    Note: the central currently rejects a ``card.blocked`` without an operator
    ("operator missing"), so a sweep before anyone logs in is rejected there."""

    def __init__(self, services: Backend, *, operator: str | None = None) -> None:
        self._deadlines = DeadlineService(services, sweep_operator=operator)

    def sweep(self, now: dt.datetime, *, operator: str | None = None) -> SweepReport:
        """``operator``: the operator logged in when the sweep runs (None before login)."""
        return self._deadlines.sweep(now, operator=operator)

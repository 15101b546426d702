"""The deadline sweep (R10, R11): run at start and every hour by the app."""

from __future__ import annotations

import datetime as dt

from kiosk.services.workflows.common import Services
from kiosk.services.workflows.deadlines import DeadlineService, SweepReport


class DeadlineSweep:
    """``sweep(now)`` blocks each card with an overdue open deadline, one ``card.blocked``
    event (priority 0) per card; a second run finds nothing left to do.

    ``operator`` is recorded on the events (the logged-in operator, or None when the
    kiosk runs the sweep by itself)."""

    def __init__(self, services: Services, *, operator: str | None = None) -> None:
        self._deadlines = DeadlineService(services, sweep_operator=operator)

    def sweep(self, now: dt.datetime) -> SweepReport:
        return self._deadlines.sweep(now)

"""Name change (R10): recorded with its three-month deadline for a new card."""

from __future__ import annotations

import datetime as dt

from kiosk.services.login import Operator
from kiosk.services.workflows.common import Backend
from kiosk.services.workflows.deadlines import DeadlineDone, DeadlineService
from kiosk.services.workflows.refusals import journals_refusals


class NameChangeService:
    def __init__(self, services: Backend) -> None:
        self._s = services
        self._deadlines = DeadlineService(services)

    @journals_refusals("name_change")
    def record(
        self,
        operator: Operator,
        serial: str,
        changed_on: dt.date,
        new_name: str | None = None,
    ) -> DeadlineDone:
        """The holder changed name on ``changed_on`` to ``new_name`` (the name on the
        visit's identity document); the old card is blocked after three months (by the
        sweep) unless replaced."""
        return self._deadlines.record_name_change(operator, serial, changed_on, new_name)

"""Return of the card at the end of employment or assignment (R11)."""

from __future__ import annotations

import datetime as dt

from kiosk.services.login import Operator
from kiosk.services.workflows.common import Backend, Done
from kiosk.services.workflows.deadlines import DeadlineDone, DeadlineService
from kiosk.services.workflows.refusals import journals_refusals


class ReturnService:
    def __init__(self, services: Backend) -> None:
        self._s = services
        self._deadlines = DeadlineService(services)

    @journals_refusals("return")
    def record_end(self, operator: Operator, serial: str, ended_on: dt.date) -> DeadlineDone:
        """Employment ended on ``ended_on``: the card is due back within three months."""
        return self._deadlines.record_end(operator, serial, ended_on)

    @journals_refusals("return")
    def take_back(
        self,
        operator: Operator,
        serial: str,
        *,
        keep_card: bool = False,
        keep_reason: str | None = None,
    ) -> Done:
        """The card handed back, or kept under the exception (a reason is required)."""
        return self._deadlines.take_back(
            operator, serial, keep_card=keep_card, keep_reason=keep_reason
        )

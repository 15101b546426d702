"""What every screen receives: the catalogue, the clock and the services once they are ready.

The app shows its first screen before the store is open (start-up time matters); the
container builds the services in a worker and hands them over through ``ServiceHolder``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from clock import Clock
from kiosk.i18n import Catalogue
from kiosk.services.errors import StoreNotReadyError

if TYPE_CHECKING:  # the first screen must not wait for the service modules
    from kiosk.receipts.desk import ReceiptDesk
    from kiosk.reports.service import DayReportService
    from kiosk.services.card_check import CardCheckService
    from kiosk.services.login import LoggedInOperator, LoginService
    from kiosk.services.lookup import LookupService
    from kiosk.services.photo import PhotoService
    from kiosk.services.ports import DemoControls, DeviceMonitor
    from kiosk.services.status import StatusService
    from kiosk.services.visit import Visit, VisitService
    from kiosk.services.workflows.container import Workflows
    from kiosk.services.workflows.pending_blocks import PendingBlocks
    from kiosk.services.workflows.rejected import RejectedEvents


@dataclass
class Services:
    """The object graph the screens use, built by ``kiosk.container``."""

    office_id: str
    login: LoginService
    lookup: LookupService
    card_check: CardCheckService
    visit: VisitService
    status: StatusService
    monitor: DeviceMonitor | None = None
    demo: DemoControls | None = None
    workflows: Workflows | None = None
    receipts: ReceiptDesk | None = None  # after each workflow
    reports: DayReportService | None = None  # the day report (the palette's)
    rejected: RejectedEvents | None = None  # the events the central rejected
    pending_blocks: PendingBlocks | None = None  # blocks the central has not acknowledged
    sync_now: Callable[[], None] | None = None  # wakes the sync worker (None: no central)
    photos: PhotoService | None = None  # the counter camera and photo files (None: no camera)
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        if self.monitor is not None:
            self.monitor.stop()
        for closer in reversed(self.closers):
            closer()


class ServiceHolder:
    """Holds the services once built; asking before that raises a typed error."""

    def __init__(self, services: Services | None = None) -> None:
        self._services = services

    @property
    def ready(self) -> bool:
        return self._services is not None

    def set(self, services: Services) -> None:
        self._services = services

    def get(self) -> Services:
        if self._services is None:
            raise StoreNotReadyError()
        return self._services


@dataclass
class Session:
    """The operator session and the current visit: cleared entirely on lock."""

    operator: LoggedInOperator | None = None
    visit: Visit | None = None

    def clear(self) -> None:
        self.operator = None
        self.visit = None


@dataclass
class UiContext:
    catalogue: Catalogue
    services: ServiceHolder
    office_id: str
    clock: Clock
    session: Session = field(default_factory=Session)
    demo_mode: bool = False

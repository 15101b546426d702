"""The work mode's screens and the ways between them: home at the bottom, at most one visit
above it, and the lookup, the card test and the workflow dialogs over those.

The app owns one ``WorkMode`` and sends its navigation actions (keys, palette) here; the
mode itself (added at login, removed on lock) stays the app's. Workflow screens come from
``screens.workflows.launch``; the clerk's session (operator, visit) from the context.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.screen import ModalScreen, Screen

from screens.messages import DocumentScanned, ReaderChanged

if TYPE_CHECKING:
    from kiosk.services.ports import CardView, HolderSummary, ReaderEvent, ScanEvent
    from screens.app import KioskApp
    from screens.visit import VisitScreen
    from screens.workflows.launch import WorkflowEntry


class WorkMode:
    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self.ctx = app.ctx
        self.customer_card: ReaderEvent | None = None  # the card in the customer reader

    # --- the visit ---------------------------------------------------------------------

    def visit_screen(self) -> VisitScreen | None:
        from screens.app import WORK
        from screens.visit import VisitScreen

        if self.app.current_mode != WORK:
            return None
        for screen in self.app.screen_stack:
            if isinstance(screen, VisitScreen):
                return screen
        return None

    async def pop_to(self, target: Screen[Any]) -> None:
        app = self.app
        while app.screen is not target and len(app.screen_stack) > 1:
            await app.pop_screen()

    async def go_home(self) -> None:
        await self.pop_to(self.app.screen_stack[0])

    async def start_visit(
        self, holder: HolderSummary | None = None, cards: tuple[CardView, ...] = ()
    ) -> VisitScreen:
        from kiosk.domain.types import VisitPurpose
        from screens.visit import VisitScreen

        await self.go_home()
        who = self.ctx.session.operator
        assert who is not None  # a visit starts only when logged in
        visit = self.ctx.services.get().visit.start(
            VisitPurpose.GENERAL, holder, cards, started_at=self.ctx.clock(), operator=who.operator
        )
        self.ctx.session.visit = visit
        screen = VisitScreen(self.ctx, visit)
        await self.app.push_screen(screen)
        self.show_customer_card(screen)
        return screen

    def show_customer_card(self, screen: Screen[Any]) -> None:
        """A screen that just came, or whose card may have changed, reads the card again."""
        if self.customer_card is not None:
            screen.post_message(ReaderChanged(self.customer_card))

    async def open_visit(self) -> None:
        existing = self.visit_screen()
        if existing is not None:
            await self.pop_to(existing)
            return
        await self.start_visit()

    async def visit_for(self, holder: HolderSummary | None, cards: tuple[CardView, ...]) -> None:
        """A new visit for ``holder`` (found in the lookup), the one before it ended."""
        self.ctx.session.visit = None
        await self.start_visit(holder, cards)

    async def end_visit(self) -> None:
        self.ctx.session.visit = None
        await self.go_home()

    async def scanned(self, event: ScanEvent) -> None:
        """A zone from the scanner goes to the visit (a new one when there is none)."""
        visit_screen = self.visit_screen()
        if visit_screen is None:
            visit_screen = await self.start_visit()
        elif not isinstance(self.app.screen, ModalScreen):  # a dialog stays; the visit updates
            await self.pop_to(visit_screen)
        visit_screen.post_message(DocumentScanned(event))

    # --- lookup and card test ---------------------------------------------------------

    async def open_lookup(self) -> None:
        from screens.lookup import LookupScreen

        if isinstance(self.app.screen, LookupScreen):
            return
        await self.app.push_screen(LookupScreen(self.ctx))

    async def open_card_test(self) -> None:
        from screens.card_check import CardCheckScreen

        visit_screen = self.visit_screen()
        if visit_screen is None:
            visit_screen = await self.start_visit()
        else:
            await self.pop_to(visit_screen)
        match = visit_screen.visit.card_match
        record = match.card if match is not None and match.matched else None
        await self.app.push_screen(CardCheckScreen(self.ctx, record))

    # --- rejected events, receipts again, the day report ------------------------------------

    async def open_rejected_events(self, lines: Sequence[Any]) -> None:
        from screens.rejected import RejectedEventsScreen

        await self.app.push_screen(RejectedEventsScreen(self.ctx.catalogue, lines))

    async def open_pending_blocks(self) -> None:
        from screens.pending_blocks import PendingBlocksScreen

        if self.ctx.services.ready and not isinstance(self.app.screen, PendingBlocksScreen):
            await self.app.push_screen(PendingBlocksScreen(self.ctx))

    async def open_reprint(self) -> None:
        from screens.workflows.receipt import ReprintScreen

        desk = self.ctx.services.get().receipts if self.ctx.services.ready else None
        if desk is not None:
            await self.app.push_screen(ReprintScreen(self.ctx.catalogue, desk))

    async def open_day_events(self) -> None:
        from clock import local_date
        from screens.day_report import DayEventsScreen

        reports = self.ctx.services.get().reports if self.ctx.services.ready else None
        if reports is not None and not isinstance(self.app.screen, DayEventsScreen):
            day = local_date(self.ctx.clock())
            await self.app.push_screen(DayEventsScreen(self.ctx, reports, day))

    def write_day_report(self) -> None:
        from clock import local_date
        from screens.day_report import write_day_report

        reports = self.ctx.services.get().reports if self.ctx.services.ready else None
        if reports is not None:
            write_day_report(self.app, self.ctx.catalogue, reports, local_date(self.ctx.clock()))

    # --- counter workflows (screens/workflows, kiosk/services/workflows) -------------------

    def sweep_deadlines(self) -> None:
        """Due name-change and return deadlines (R10, R11), in a worker, hourly."""
        workflows = self.ctx.services.get().workflows
        if workflows is None:
            return
        sweep, clock = workflows.sweep, self.ctx.clock
        operator = self.ctx.session.operator
        hsa_id = operator.hsa_id if operator else None

        def job() -> None:
            sweep.sweep(clock(), operator=hsa_id)

        self.app.run_worker(job, thread=True, group="sweep", exclusive=True, exit_on_error=False)

    def workflow_entries(self) -> list[WorkflowEntry]:
        """One entry per counter workflow (none before the services are ready)."""
        from screens.workflows.launch import session_entries

        services = self.ctx.services.get() if self.ctx.services.ready else None
        if services is None or services.workflows is None:
            return []
        return session_entries(self.ctx, services.workflows)

    def workflow_permitted(self, name: str) -> bool:
        """Whether the logged-in operator may take the workflow ``name`` (the services say)."""
        from kiosk.services.workflows.permissions import workflow_permitted

        current = self.ctx.session.operator
        return current is not None and workflow_permitted(current.operator, name)

    async def open_workflow(self, entry: WorkflowEntry) -> None:
        from kiosk.errors import KioskError

        if entry.needs_visit and self.visit_screen() is None:
            await self.start_visit()
        try:
            screen = entry.make()
        except KioskError as exc:
            self.app.notify(self.ctx.catalogue.error(exc), severity="warning")
            return

        def finished(result: Any) -> None:
            if result is None:
                return
            visit_screen = self.visit_screen()
            if visit_screen is not None:
                self.show_customer_card(visit_screen)  # the card's state may have changed

        await self.app.push_screen(screen, finished)

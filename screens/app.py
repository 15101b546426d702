"""The Textual app: modes (locked / work), the idle lock, device status and navigation.

The app receives its context (catalogue, clock, session) and a factory for its services;
the first screen appears before the store is open, the services are built in a thread
worker. Device threads only post messages; the app keeps the status bar and hands reader
and scanner events on to the screens as messages. Locking removes the whole work mode, so
nothing about a customer stays on any screen.

Elsewhere in ``screens/``: the work mode's screens (``work_mode``), the palette
(``commands``), the receipt after a workflow (``workflows.receipt_flow``), the day report.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import BindingType
from textual.command import Provider
from textual.reactive import reactive

from kiosk.services.context import UiContext
from kiosk.services.status import StatusSnapshot, SyncFigures
from screens.app_keys import APP_BINDINGS, AppKeyActions
from screens.idle import IdleWatch
from screens.key_bar import KEY_BAR_CSS
from screens.login import LoginScreen
from screens.messages import DocumentScanned, LoggedIn, ReaderChanged, VisitRequested, WorkflowDone
from screens.quit_confirm import ask_to_quit, show_quit_hint
from screens.status_bar import STATUS_BAR_CSS
from screens.work_mode import WorkMode
from screens.workflows.receipt_flow import ReceiptFlow

if TYPE_CHECKING:  # imported where used: the first screen needs none of them
    from kiosk.services.context import Services
    from kiosk.services.ports import ReaderEvent, ScanEvent

LOCKED = "locked"
WORK = "work"

log = logging.getLogger(__name__)


def _palette_commands() -> type[Provider]:
    from screens.commands import KioskCommands

    return KioskCommands


class KioskApp(AppKeyActions, App[int]):
    """The counter application."""

    # Absolute paths: subclasses live elsewhere. The bars on every screen are widgets,
    # which have no CSS_PATH of their own: their .tcss files load with the App's.
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        Path(__file__).with_name("app.tcss"),
        STATUS_BAR_CSS,
        KEY_BAR_CSS,
        Path(__file__).with_name("photo_view.tcss"),  # PhotoView (not imported at start)
    ]
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {_palette_commands}
    ENABLE_COMMAND_PALETTE: ClassVar[bool] = True
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS
    status: reactive[StatusSnapshot] = reactive(StatusSnapshot(office=""), init=False)
    rejected_count: reactive[int] = reactive(0, init=False)  # events the central rejected

    def __init__(
        self,
        ctx: UiContext,
        *,
        build_services: Callable[[], Services] | None = None,
        idle_timeout: float = 300.0,
        status_interval: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
        ready_hook: Callable[[KioskApp], None] | None = None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self._build_services = build_services
        self._status_interval = status_interval
        self.idle = IdleWatch(
            timeout=idle_timeout,
            monotonic=monotonic,
            warn=self._warn_idle,
            lock=lambda: self.lock("ui.lock.idle"),
            catalogue=ctx.catalogue,
        )
        self._ready_hook = ready_hook
        self._work_mode = False
        self._seen_rejected: set[str] = set()
        self.rejected_lines: tuple[Any, ...] = ()
        self.work = WorkMode(self)
        self.receipt_flow = ReceiptFlow(self, ctx.catalogue)
        self.title = ctx.catalogue("app.title")
        self.set_reactive(KioskApp.status, StatusSnapshot(office=ctx.office_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The device panel's key exists only in the demo; a counter workflow's key only for
        an operator the services let take it (the help lists only those)."""
        if action == "device_panel":
            return self.ctx.demo_mode
        if action == "workflow" and parameters:
            return bool(self.work.workflow_permitted(str(parameters[0])))
        return True

    # --- start-up ------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.add_mode(LOCKED, lambda: LoginScreen(self.ctx))
        self.switch_mode(LOCKED)
        self.set_interval(1.0, self.check_idle_lock)
        if self._ready_hook is not None:
            self.call_after_refresh(self._ready_hook, self)
        if self.ctx.services.ready:
            self.call_after_refresh(self._services_ready, self.ctx.services.get())
        elif self._build_services is not None:
            # after the first screen is painted: the store's imports must not delay it
            self.call_after_refresh(self.call_after_refresh, self._start_build)

    def _start_build(self) -> None:
        self.run_worker(self._build_in_thread, thread=True, group="build", exit_on_error=False)

    def _build_in_thread(self) -> None:
        assert self._build_services is not None
        try:
            services = self._build_services()
        except Exception as exc:
            self.call_from_thread(self._services_failed, exc)
            return
        self.call_from_thread(self._services_ready, services)

    def _services_failed(self, exc: BaseException) -> None:
        screen = self.screen
        if isinstance(screen, LoginScreen):
            screen.show_message(self.ctx.catalogue.error(exc), refused=True)
        else:
            self.notify(self.ctx.catalogue.error(exc), severity="error")

    def _services_ready(self, services: Services) -> None:
        if not self.ctx.services.ready:
            self.ctx.services.set(services)
        if services.monitor is not None:
            try:
                services.monitor.start(self._reader_from_thread, self._scan_from_thread)
            except Exception as exc:
                self._services_failed(exc)
        self.set_interval(self._status_interval, self.refresh_figures)
        self.refresh_figures()
        if services.workflows is not None:
            self._bind_workflow_keys()
            self.work.sweep_deadlines()
            self.set_interval(3600, self.work.sweep_deadlines)

    def on_unmount(self) -> None:
        if self.ctx.services.ready:
            self.ctx.services.get().close()

    # --- device threads: post only -----------------------------------------------------------

    def _reader_from_thread(self, event: ReaderEvent) -> None:
        self.post_message(ReaderChanged(event))

    def _scan_from_thread(self, event: ScanEvent) -> None:
        self.post_message(DocumentScanned(event))

    # --- status ------------------------------------------------------------------------------

    def refresh_figures(self) -> None:
        services = self.ctx.services.get()

        def job() -> None:
            figures = services.status.figures()
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(self._set_figures, figures)
            if services.rejected is None:
                return
            try:
                lines = services.rejected.lines()
            except Exception:  # advisory, like the figures: never crash the status
                return
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(self._set_rejected, lines)

        self.run_worker(job, thread=True, group="status", exclusive=True, exit_on_error=False)

    def _set_figures(self, figures: SyncFigures) -> None:
        self.status = replace(self.status, figures=figures)

    def _set_rejected(self, lines: tuple[Any, ...]) -> None:
        """Events the central rejected: the status bar counts them; new ones notify."""
        from screens.rejected import notify_rejected

        self.rejected_lines = tuple(lines)
        self.rejected_count = len(self.rejected_lines)
        new = [line for line in self.rejected_lines if line.event_id not in self._seen_rejected]
        self._seen_rejected.update(line.event_id for line in new)
        notify_rejected(self, self.ctx.catalogue, new)

    # --- device events: the status bar here, the screens hear of them as messages -----------

    async def on_reader_changed(self, message: ReaderChanged) -> None:
        event = message.event
        state = "card" if event.card_present else "empty"
        if not event.reader_attached:
            state = "missing"
        if event.role == "operator":
            self.status = replace(self.status, operator_reader=state)
            if not event.card_present and self.ctx.session.operator is not None:
                await self.lock("ui.lock.card_removed")
            return
        self.status = replace(self.status, customer_reader=state)
        self.work.customer_card = event if state == "card" else None
        if self.logged_in:
            for screen in self.screen_stack:
                screen.post_message(ReaderChanged(event))

    async def on_document_scanned(self, message: DocumentScanned) -> None:
        event = message.event
        self.status = replace(self.status, scanner="ok" if event.connected else "missing")
        if event.error is not None:
            self.notify(self.ctx.catalogue.error(event.error), severity="warning")
        if event.notice_key is not None and self.ctx.catalogue.has(event.notice_key):
            self.notify(self.ctx.catalogue(event.notice_key), severity="warning")
        if not event.text:
            return
        if self.ctx.session.operator is None:
            self.notify(self.ctx.catalogue("ui.app.scan_locked"), severity="warning")
            return
        await self.work.scanned(event)

    # --- session -----------------------------------------------------------------------------

    async def on_logged_in(self, message: LoggedIn) -> None:
        if self.current_mode == WORK:  # a late second answer (Enter pressed twice): keep this one
            log.warning("a login answer came while an operator is logged in: ignored")
            return
        identity = message.identity
        log.info("operator logged in (role %s)", identity.role)  # who: in the journal only
        self.ctx.session.operator = identity
        self.idle.touch()
        self.status = replace(
            self.status,
            operator=identity.display_name,
            role=identity.role,
            blocking_only=identity.blocking_only,
        )
        if self._work_mode:
            await self.remove_mode(WORK)
        from screens.home import HomeScreen

        self.add_mode(WORK, lambda: HomeScreen(self.ctx))
        self._work_mode = True
        await self.switch_mode(WORK)

    async def lock(self, reason_key: str = "ui.lock.locked") -> None:
        """Lock now: forget the operator and the visit, drop every work screen."""
        if self.ctx.session.operator is not None:
            log.info("kiosk locked: %s", reason_key)
        self.ctx.session.clear()
        self.status = replace(self.status, operator=None, role=None, blocking_only=False)
        if self.current_mode != LOCKED:
            await self.switch_mode(LOCKED)
        if self._work_mode:
            self._work_mode = False
            await self.remove_mode(WORK)
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        screen = self.screen
        if isinstance(screen, LoginScreen):
            screen.show_message(self.ctx.catalogue(reason_key), refused=True)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.idle.touch()
        await super().on_event(event)

    async def check_idle_lock(self) -> None:
        """Once a second: warn before the idle lock, then lock (``screens.idle``)."""
        if self.ctx.session.operator is not None:
            await self.idle.check()

    def _warn_idle(self, text: str) -> None:
        self.notify(text, severity="warning", timeout=self.idle.warning_lead)

    # --- navigation (the work mode's screens: screens.work_mode) ---------------------------

    @property
    def logged_in(self) -> bool:
        """An operator is logged in and the work screens are showing."""
        return self.ctx.session.operator is not None and self.current_mode == WORK

    async def action_open_visit(self) -> None:
        if self.logged_in:
            await self.work.open_visit()

    async def on_visit_requested(self, message: VisitRequested) -> None:
        if self.logged_in:
            await self.work.visit_for(message.holder, message.cards)

    async def action_open_lookup(self) -> None:
        if self.logged_in:
            await self.work.open_lookup()

    async def action_open_card_test(self) -> None:
        if self.logged_in:
            await self.work.open_card_test()

    async def action_end_visit(self) -> None:
        if self.logged_in:
            await self.work.end_visit()

    async def action_go_home(self) -> None:
        if self.logged_in:
            await self.work.go_home()

    async def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            await self.pop_screen()

    async def action_lock(self) -> None:
        await self.lock()

    async def action_workflow(self, name: str) -> None:
        if not self.logged_in or not self.work.workflow_permitted(name):
            return
        entry = next((e for e in self.work.workflow_entries() if e.name == name), None)
        if entry is not None:
            await self.work.open_workflow(entry)

    def action_device_panel(self) -> None:
        from screens.device_panel import DevicePanel

        if not self.ctx.demo_mode or not self.ctx.services.ready:
            return
        demo = self.ctx.services.get().demo
        if demo is None or isinstance(self.screen, DevicePanel):
            return
        self.push_screen(DevicePanel(self.ctx, demo))

    action_quit = ask_to_quit  # Ctrl+Q anywhere, the palette's quit: asks, then exit 0
    action_help_quit = show_quit_hint  # Ctrl+C does not quit: says how, in the UI's language

    def action_command_palette(self) -> None:
        from screens.commands import open_palette

        open_palette(self)

    # --- counter workflows (screens/workflows, kiosk/services/workflows) -------------------

    def on_workflow_done(self, message: WorkflowDone) -> None:
        """After a workflow's transaction: a block goes to the central at once (R9), the
        receipt follows (``ReceiptFlow``)."""
        event_id = getattr(message.result, "event_id", None)
        if not self.ctx.services.ready or not isinstance(event_id, str):
            return
        services = self.ctx.services.get()
        if services.sync_now is not None:
            services.sync_now()
        if services.receipts is not None:
            self.receipt_flow.start(services.receipts, event_id)

    # --- sync, rejected events, receipts and the day report --------------------------------

    def action_sync_now(self) -> None:
        """Wake the sync worker: push waiting events (blocks first) and pull at once."""
        if not self.logged_in or not self.ctx.services.ready:
            return
        sync_now = self.ctx.services.get().sync_now
        if sync_now is None:
            self.notify(self.ctx.catalogue("ui.sync.no_central"), severity="warning")
            return
        sync_now()  # only sets an event for the worker thread: never blocks the loop
        self.notify(self.ctx.catalogue("ui.sync.started"))

    async def action_rejected_events(self) -> None:
        if self.logged_in:
            await self.work.open_rejected_events(self.rejected_lines)

    async def action_pending_blocks(self) -> None:
        if self.logged_in:
            await self.work.open_pending_blocks()

    async def action_reprint_receipt(self) -> None:
        if self.logged_in:
            await self.work.open_reprint()

    def action_day_report(self) -> None:
        if self.logged_in:
            self.work.write_day_report()

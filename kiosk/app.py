"""The Textual app: modes (locked / work), device monitors, status, idle lock, commands.

The app receives its context (catalogue, clock, session) and a factory for its services;
the first screen appears before the store is open, the services are built in a thread
worker. Device threads only post messages; the app updates the status bar and forwards
reader and scanner events to the visit screen. Locking removes the whole work mode, so
nothing about a customer stays on any screen.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import events
from textual.app import App, SystemCommand
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen

from kiosk.services.context import UiContext
from kiosk.services.status import StatusSnapshot, SyncFigures
from screens.login import LoginScreen
from screens.messages import (
    DocumentScanned,
    LoggedIn,
    ReaderChanged,
    VisitRequested,
    WorkflowDone,
)

if TYPE_CHECKING:  # imported where used: the first screen needs none of them
    from kiosk.services.context import Services
    from kiosk.services.ports import HolderSummary, ReaderEvent, ScanEvent

LOCKED = "locked"
WORK = "work"


log = logging.getLogger(__name__)


class KioskApp(App[int]):
    """The counter application."""

    CSS = """
    Screen { background: $background; }
    """
    ENABLE_COMMAND_PALETTE: ClassVar[bool] = True
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
        self.idle_timeout = idle_timeout
        self._status_interval = status_interval
        self._monotonic = monotonic
        self._last_activity = monotonic()
        self._ready_hook = ready_hook
        self._work_mode = False
        self._receipted: set[str] = set()  # event ids whose receipt is under way or done
        self._seen_rejected: set[str] = set()
        self.rejected_lines: tuple[Any, ...] = ()
        self.receipt_outcomes: list[Any] = []  # what became of each receipt, newest last
        self.title = ctx.catalogue("app.title")
        self.set_reactive(KioskApp.status, StatusSnapshot(office=ctx.office_id))
        self._translate_app_bindings()
        self.bind("ctrl+l", "lock", show=False)  # everywhere, shown where the footer has room
        self.bind("f12", "sync_now", show=False)
        if ctx.demo_mode:
            self.bind("f9", "device_panel", description=ctx.catalogue("ui.key.devices"))

    def _translate_app_bindings(self) -> None:
        """Textual's own app bindings get catalogue texts; the palette key shows."""
        texts = {"command_palette": ("ui.key.palette", True), "quit": ("ui.key.quit", False)}
        for key, bindings in self._bindings.key_to_bindings.items():
            for index, binding in enumerate(bindings):
                if binding.action in texts:
                    text_key, show = texts[binding.action]
                    bindings[index] = dataclasses.replace(
                        binding, description=self.ctx.catalogue(text_key), show=show
                    )
            self._bindings.key_to_bindings[key] = bindings

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
            self.run_deadline_sweep()
            self.set_interval(3600, self.run_deadline_sweep)

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
        from screens.rejected import line_text

        self.rejected_lines = tuple(lines)
        self.rejected_count = len(self.rejected_lines)
        new = [line for line in self.rejected_lines if line.event_id not in self._seen_rejected]
        self._seen_rejected.update(line.event_id for line in new)
        t = self.ctx.catalogue
        for line in new[:3]:
            self.notify(line_text(t, line), title=t("ui.rejected.notify_title"), severity="error")
        if len(new) > 3:
            self.notify(t("ui.rejected.notify_more", count=len(new) - 3), severity="error")

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
        visit_screen = self._visit_screen()
        if visit_screen is not None and self.ctx.session.operator is not None:
            visit_screen.customer_card(event.card_present)

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
        visit_screen = self._visit_screen()
        if visit_screen is None:
            visit_screen = await self._start_visit(None, ())
        elif not isinstance(self.screen, ModalScreen):  # a dialog stays; the visit updates
            await self._pop_to(visit_screen)
        visit_screen.scan(event.text)

    # --- session -----------------------------------------------------------------------------

    async def on_logged_in(self, message: LoggedIn) -> None:
        identity = message.identity
        log.info("operator logged in (role %s)", identity.role)  # who: in the journal only
        self.ctx.session.operator = identity
        self._last_activity = self._monotonic()
        self.status = replace(self.status, operator=identity.display_name, role=identity.role)
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
        self.status = replace(self.status, operator=None, role=None)
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
            self._last_activity = self._monotonic()
        await super().on_event(event)

    async def check_idle_lock(self) -> None:
        if self.ctx.session.operator is None:
            return
        if self._monotonic() - self._last_activity >= self.idle_timeout:
            await self.lock("ui.lock.idle")

    # --- navigation ----------------------------------------------------------------------------

    def _logged_in(self) -> bool:
        return self.ctx.session.operator is not None and self.current_mode == WORK

    def _visit_screen(self) -> Any:
        from screens.visit import VisitScreen

        if self.current_mode != WORK:
            return None
        for screen in self.screen_stack:
            if isinstance(screen, VisitScreen):
                return screen
        return None

    async def _pop_to(self, target: Screen[Any]) -> None:
        while self.screen is not target and len(self.screen_stack) > 1:
            await self.pop_screen()

    async def _start_visit(self, holder: HolderSummary | None, cards: tuple[Any, ...]) -> Any:
        from kiosk.services.visit import VisitPurpose
        from screens.visit import VisitScreen

        await self._pop_to(self.screen_stack[0])
        visit = self.ctx.services.get().visit.start(
            VisitPurpose.GENERAL, holder, cards, started_at=self.ctx.clock()
        )
        self.ctx.session.visit = visit
        screen = VisitScreen(self.ctx, visit)
        await self.push_screen(screen)
        if self.status.customer_reader == "card":
            screen.customer_card(True)
        return screen

    async def action_open_visit(self) -> None:
        if not self._logged_in():
            return
        existing = self._visit_screen()
        if existing is not None:
            await self._pop_to(existing)
            return
        await self._start_visit(None, ())

    async def on_visit_requested(self, message: VisitRequested) -> None:
        if not self._logged_in():
            return
        holder = message.holder
        cards: tuple[Any, ...] = ()
        detail = getattr(self.screen, "detail", None)
        if holder is not None and detail is not None and detail.holder == holder:
            cards = tuple(detail.cards)
        self.ctx.session.visit = None
        await self._start_visit(holder, cards)

    async def action_open_lookup(self) -> None:
        from screens.lookup import LookupScreen

        if not self._logged_in():
            return
        if isinstance(self.screen, LookupScreen):
            return
        await self.push_screen(LookupScreen(self.ctx))

    async def action_open_card_test(self) -> None:
        from screens.card_test import CardTestScreen

        if not self._logged_in():
            return
        visit_screen = self._visit_screen()
        if visit_screen is None:
            visit_screen = await self._start_visit(None, ())
        else:
            await self._pop_to(visit_screen)
        match = visit_screen.visit.card_match
        record = match.card if match is not None and match.matched else None
        await self.push_screen(CardTestScreen(self.ctx, record))

    async def action_end_visit(self) -> None:
        if not self._logged_in():
            return
        self.ctx.session.visit = None
        await self._pop_to(self.screen_stack[0])

    async def action_go_home(self) -> None:
        if self._logged_in():
            await self._pop_to(self.screen_stack[0])

    async def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            await self.pop_screen()

    async def action_lock(self) -> None:
        await self.lock()

    def action_device_panel(self) -> None:
        from screens.device_panel import DevicePanel

        if not self.ctx.demo_mode or not self.ctx.services.ready:
            return
        demo = self.ctx.services.get().demo
        if demo is None or isinstance(self.screen, DevicePanel):
            return
        self.push_screen(DevicePanel(self.ctx, demo))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                CommandPalette(
                    id="--command-palette", placeholder=self.ctx.catalogue("ui.palette.placeholder")
                )
            )

    # --- counter workflows (screens/workflows, kiosk/services/workflows) -------------------

    def run_deadline_sweep(self) -> None:
        """Due name-change and return deadlines (R10, R11), in a worker, hourly."""
        services = self.ctx.services.get()
        operator = self.ctx.session.operator
        hsa_id = operator.hsa_id if operator else None
        clock = self.ctx.clock

        def job() -> None:
            services.workflows.sweep.sweep(clock(), operator=hsa_id)

        self.run_worker(job, thread=True, group="sweep", exclusive=True, exit_on_error=False)

    def _workflow_entries(self) -> list[Any]:
        from kiosk.domain.types import Role
        from kiosk.services.workflows.common import Operator, visit_context_from_ui
        from screens.workflows.launch import workflow_entries

        services = self.ctx.services.get()
        session = self.ctx.session

        def operator() -> Any:
            current = session.operator
            assert current is not None
            return Operator(current.hsa_id, Role(current.role), current.office_id)

        def visit() -> Any:
            current, who = session.visit, session.operator
            if current is None or who is None:
                return None
            return visit_context_from_ui(
                current,
                operator_hsa_id=who.hsa_id,
                operator_role=who.role,
                office_id=who.office_id,
                started_at=current.started_at or self.ctx.clock(),
            )

        def serial() -> str | None:
            current = session.visit
            match = current.card_match if current is not None else None
            return match.card_serial if match is not None and match.matched else None

        return list(
            workflow_entries(
                self.ctx.catalogue,
                services.workflows,
                visit=visit,
                operator=operator,
                serial=serial,
            )
        )

    def _bind_workflow_keys(self) -> None:
        for entry in self._workflow_entries():
            self.bind(entry.suggested_key, f"workflow('{entry.name}')", show=False)

    async def action_workflow(self, name: str) -> None:
        if not self._logged_in() or self.ctx.services.get().workflows is None:
            return
        entry = next((e for e in self._workflow_entries() if e.name == name), None)
        if entry is not None:
            await self._open_workflow(entry)

    async def _open_workflow(self, entry: Any) -> None:
        from kiosk.errors import KioskError

        if not self._logged_in():
            return
        if entry.needs_visit and self._visit_screen() is None:
            await self._start_visit(None, ())
        try:
            screen = entry.make()
        except KioskError as exc:
            self.notify(self.ctx.catalogue.error(exc), severity="warning")
            return

        def finished(result: Any) -> None:
            if result is None:
                return
            visit_screen = self._visit_screen()
            if visit_screen is not None and self.status.customer_reader == "card":
                visit_screen.customer_card(True)  # the card's state may have changed

        await self.push_screen(screen, finished)

    # --- receipts (kiosk/receipts) and rejected events ---------------------------------

    def on_workflow_done(self, message: WorkflowDone) -> None:
        """After a workflow's transaction: its receipt, in a worker (printer, else folder);
        activation and return first ask the holder to sign with their card and PIN."""
        event_id = getattr(message.result, "event_id", None)
        if not self.ctx.services.ready or not isinstance(event_id, str):
            return
        services = self.ctx.services.get()
        if services.sync_now is not None:
            services.sync_now()  # a block request goes to the central at once (R9)
        desk = services.receipts
        if desk is None or event_id in self._receipted:
            return
        self._receipted.add(event_id)
        lang = self.ctx.catalogue.lang

        def job() -> None:
            try:
                facts = desk.plan(event_id)
            except Exception as exc:
                with contextlib.suppress(RuntimeError):
                    self.call_from_thread(self._receipt_failed, exc)
                return
            if facts is None:
                return
            if facts.needs_holder_signature and desk.can_sign:
                with contextlib.suppress(RuntimeError):
                    self.call_from_thread(self._ask_holder_signature, facts)
                return
            outcome = desk.issue(facts, lang=lang)
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(self._receipt_issued, outcome, facts)

        self.run_worker(job, thread=True, group="receipt", exit_on_error=False)

    def _ask_holder_signature(self, facts: Any) -> None:
        from screens.workflows.receipt import HolderSignScreen

        desk = self.ctx.services.get().receipts
        self.push_screen(
            HolderSignScreen(self.ctx.catalogue, desk, facts),
            functools.partial(self._receipt_issued, facts=facts),
        )

    def _receipt_issued(self, outcome: Any, facts: Any = None) -> None:
        """Tell the clerk where the receipt went (printed / saved in / failed, and why)."""
        if outcome is None:
            return
        self.receipt_outcomes.append(outcome)
        t = self.ctx.catalogue
        text = outcome.describe(t)
        if facts is not None and facts.needs_holder_signature and not outcome.signed:
            text += "\n" + t("ui.receipt.unsigned")
        delivery = outcome.delivery
        severity: Literal["information", "warning", "error"]
        if delivery is None or not delivery.delivered:
            severity = "error"
        elif outcome.problem:
            severity = "warning"
        else:
            severity = "information"
        self.notify(text, title=t("ui.receipt.title"), severity=severity, timeout=12)

    def _receipt_failed(self, exc: BaseException) -> None:
        t = self.ctx.catalogue
        self.notify(
            t("ui.receipt.failed", problem=t.error(exc)),
            title=t("ui.receipt.title"),
            severity="error",
        )

    def action_sync_now(self) -> None:
        """Wake the sync worker: push waiting events (blocks first) and pull at once."""
        if not self._logged_in() or not self.ctx.services.ready:
            return
        sync_now = self.ctx.services.get().sync_now
        if sync_now is None:
            self.notify(self.ctx.catalogue("ui.sync.no_central"), severity="warning")
            return
        sync_now()  # only sets an event for the worker thread: never blocks the loop
        self.notify(self.ctx.catalogue("ui.sync.started"))

    async def action_rejected_events(self) -> None:
        from screens.rejected import RejectedEventsScreen

        if not self._logged_in():
            return
        await self.push_screen(RejectedEventsScreen(self.ctx.catalogue, self.rejected_lines))

    async def action_reprint_receipt(self) -> None:
        from screens.workflows.receipt import ReprintScreen

        desk = self.ctx.services.get().receipts if self.ctx.services.ready else None
        if not self._logged_in() or desk is None:
            return
        await self.push_screen(ReprintScreen(self.ctx.catalogue, desk))

    def action_day_report(self) -> None:
        reports = self.ctx.services.get().reports if self.ctx.services.ready else None
        if not self._logged_in() or reports is None:
            return
        from clock import local_date

        day = local_date(self.ctx.clock())
        lang = self.ctx.catalogue.lang

        def job() -> None:
            try:
                path = reports.write(day, lang=lang)
            except Exception as exc:
                with contextlib.suppress(RuntimeError):
                    self.call_from_thread(self._receipt_failed, exc)
                return
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(
                    self.notify, self.ctx.catalogue("report.written", path=path), timeout=12
                )

        self.run_worker(job, thread=True, group="report", exit_on_error=False)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        t = self.ctx.catalogue
        if self._logged_in():
            yield SystemCommand(t("ui.cmd.home"), t("ui.cmd.home.help"), self.action_go_home)
            yield SystemCommand(t("ui.cmd.visit"), t("ui.cmd.visit.help"), self.action_open_visit)
            yield SystemCommand(
                t("ui.cmd.lookup"), t("ui.cmd.lookup.help"), self.action_open_lookup
            )
            yield SystemCommand(
                t("ui.cmd.card_test"), t("ui.cmd.card_test.help"), self.action_open_card_test
            )
            yield SystemCommand(
                t("ui.cmd.end_visit"), t("ui.cmd.end_visit.help"), self.action_end_visit
            )
            yield SystemCommand(t("ui.cmd.lock"), t("ui.cmd.lock.help"), self.action_lock)
            if self.ctx.services.ready and self.ctx.services.get().workflows is not None:
                for entry in self._workflow_entries():
                    yield SystemCommand(
                        entry.title, entry.help, functools.partial(self._open_workflow, entry)
                    )
            yield SystemCommand(t("ui.cmd.sync"), t("ui.cmd.sync.help"), self.action_sync_now)
            yield SystemCommand(
                t("ui.cmd.rejected", count=self.rejected_count),
                t("ui.cmd.rejected.help"),
                self.action_rejected_events,
            )
            if self.ctx.services.ready and self.ctx.services.get().receipts is not None:
                yield SystemCommand(
                    t("ui.cmd.reprint"), t("ui.cmd.reprint.help"), self.action_reprint_receipt
                )
            if self.ctx.services.ready and self.ctx.services.get().reports is not None:
                yield SystemCommand(
                    t("ui.cmd.day_report"), t("ui.cmd.day_report.help"), self.action_day_report
                )
        if self.ctx.demo_mode:
            yield SystemCommand(
                t("ui.cmd.devices"), t("ui.cmd.devices.help"), self.action_device_panel
            )
        yield SystemCommand(t("ui.cmd.quit"), t("ui.cmd.quit.help"), self.action_quit)


def run_app(
    config: Any,
    *,
    demo: bool,
    headless: bool = False,
    ready_hook: Callable[[KioskApp], None] | None = None,
) -> int:
    """Start the counter app on ``config`` (the store opens in a worker after the first
    screen); ``demo`` adds the device panel; ``ready_hook`` runs once it is painted.
    While it runs, log lines go to ``<data_dir>/logs/kiosk.log``, never to the terminal."""
    from textual.logging import TextualHandler

    from clock import system_clock
    from kiosk.i18n import Catalogue
    from kiosk.logging_setup import app_logging
    from kiosk.services.context import ServiceHolder

    def build() -> Services:
        from kiosk.container import build_services

        return build_services(config, clock=system_clock)

    ctx = UiContext(
        catalogue=Catalogue(config.language),
        services=ServiceHolder(),
        office_id=config.office_id,
        clock=system_clock,
        demo_mode=demo,
    )
    app = KioskApp(
        ctx,
        build_services=build,
        idle_timeout=float(config.idle_timeout_seconds),
        ready_hook=ready_hook,
    )
    # Textual's devtools console gets the lines too (app.log only while an app runs).
    console = TextualHandler(stderr=False, stdout=False)
    with app_logging(config.data_dir, console):
        app.run(headless=headless)
    return int(app.return_code or 0)

"""The composition root: configuration → services → app → run.

The one module below ``screens/`` that imports the screens. ``kiosk demo`` and
``kiosk run`` come through ``run_app``, the app bench through ``build_app``; the services
themselves are built by ``kiosk.container.build_services`` (by default in the app's
worker, after the first screen is up).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clock import Clock
    from kiosk.config import KioskConfig
    from kiosk.services.context import Services
    from screens.app import KioskApp


def build_app(
    config: KioskConfig,
    *,
    demo: bool,
    clock: Clock | None = None,
    services: Services | None = None,
    status_interval: float = 5.0,
    ready_hook: Callable[[KioskApp], None] | None = None,
) -> KioskApp:
    """The counter app on ``config``: with ``services`` when given, else the container
    builds them in a worker once the first screen is painted; ``demo`` adds the device
    panel; ``clock``: the wall clock (default ``clock.system_clock``)."""
    from clock import system_clock
    from kiosk.i18n import Catalogue
    from kiosk.services.context import ServiceHolder, UiContext
    from screens.app import KioskApp

    wall = clock or system_clock

    def build() -> Services:
        from kiosk.container import build_services

        return build_services(config, clock=wall)

    ctx = UiContext(
        catalogue=Catalogue(config.language),
        services=ServiceHolder(services),
        office_id=config.office_id,
        clock=wall,
        demo_mode=demo,
    )
    return KioskApp(
        ctx,
        build_services=None if services is not None else build,
        idle_timeout=float(config.idle_timeout_seconds),
        status_interval=status_interval,
        ready_hook=ready_hook,
    )


def run_app(
    config: KioskConfig,
    *,
    demo: bool,
    headless: bool = False,
    ready_hook: Callable[[KioskApp], None] | None = None,
) -> int:
    """Start the counter app on ``config`` (the store opens in a worker after the first
    screen); ``ready_hook`` runs once it is painted. While it runs, log lines go to
    ``<data_dir>/logs/kiosk.log``, never to the terminal."""
    from textual.logging import TextualHandler

    from kiosk.logging_setup import app_logging

    if not headless:  # textual-image asks the terminal now: it cannot once the app runs
        from screens.photo_view import detect_terminal_graphics

        detect_terminal_graphics()
    app = build_app(config, demo=demo, ready_hook=ready_hook)
    # Textual's devtools console gets the lines too (app.log only while an app runs).
    console = TextualHandler(stderr=False, stdout=False)
    with app_logging(config.data_dir, console):
        app.run(headless=headless)
    return int(app.return_code or 0)

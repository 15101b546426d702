"""The demo app with the embedded central that ``kiosk demo`` starts: the status bar
shows the kiosk online once the real central process (mutual TLS) answers a sync round."""

from __future__ import annotations

import asyncio
from pathlib import Path

from clock import Clock, FixedClock, system_clock
from kiosk.commands.demo import demo_config
from kiosk.config import KioskConfig
from kiosk.container import build_services
from kiosk.demo_central import start_embedded_central, with_central
from kiosk.i18n import Catalogue
from kiosk.services.context import ServiceHolder, UiContext
from screens.app import KioskApp
from tests.ui.helpers import all_text, settle

SV = Catalogue("sv")


def _app(config: KioskConfig, clock: Clock) -> KioskApp:
    ctx = UiContext(
        catalogue=SV,
        services=ServiceHolder(),
        office_id="KK-SOLNA",
        clock=clock,
        demo_mode=True,
    )
    return KioskApp(ctx, build_services=lambda: build_services(config, clock=clock))


async def test_the_demo_shows_online_with_its_embedded_central(
    tmp_path: Path, clock: FixedClock
) -> None:
    config = demo_config(tmp_path / "demo", "sv")
    central = start_embedded_central(config, system_clock)
    try:
        app = _app(with_central(config, central), clock)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(300):
                await settle(pilot, 1)
                if SV("ui.status.online") in all_text(app):
                    break
                await asyncio.sleep(0.2)
            assert SV("ui.status.online") in all_text(app)
    finally:
        central.stop()

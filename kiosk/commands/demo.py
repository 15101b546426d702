"""``kiosk demo``: the counter app on embedded defaults with virtual devices and demo data."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "demo",
        help="start the counter app with virtual card readers, scanner and demo data",
        description="Starts the kiosk on SQLite in the platform data directory (or --data "
        "DIR) with in-process virtual card readers and scanner and demo data: an office, a "
        "clerk and an id-administrator, holders and cards in every state. F9 opens the "
        "device panel (insert/remove demo cards, scan demo documents); the demo PIN is "
        "123456. With the `central` extra installed it also starts an embedded central "
        "(a `kiosk central` process on loopback, mutual TLS from the demo's test PKI, its "
        "log in DIR/central/central.log) that the kiosk syncs with and that produces the "
        "cards ordered at the counter every few seconds; --offline leaves it out.",
    )
    parser.add_argument("--data", type=Path, default=None, help="data directory to use")
    parser.add_argument("--lang", choices=("sv", "en"), default=None, help="language (default: sv)")
    parser.add_argument("--offline", action="store_true", help="do not start the embedded central")
    parser.set_defaults(func=run)


def demo_config(data: Path | None, lang: str | None) -> Any:
    """The embedded defaults with virtual readers and scanner."""
    from dataclasses import replace

    from kiosk.config import KioskConfig, OfficeConfig, ReaderConfig, validate

    office = OfficeConfig(  # invented contact details, so the demo's receipts show them
        address="Demogatan 1, 171 00 Solna",
        opening_hours="mån–fre 9–16",
        phone="08-000 000 00",
        email="kortkontoret@example.se",
    )
    config = KioskConfig(language=lang or "sv", readers=ReaderConfig(virtual=True), office=office)
    if data is not None:
        config = config.with_data_dir(data.resolve())
    return validate(replace(config, scanner=replace(config.scanner, port="virtual")))


def launch(
    config: Any,
    *,
    demo: bool,
    headless: bool = False,
    ready_hook: Callable[[Any], None] | None = None,
) -> int:
    """Start the app the way ``kiosk demo`` and ``kiosk run`` do (and the start-up bench).

    Start-up allocates many long-lived objects (Textual, the screens): the cyclic garbage
    collector is held back until the first screen is painted, then those objects are
    frozen out of its way and the normal thresholds come back.
    """
    import gc

    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 50)
    from kiosk.main import run_app

    def first_paint(app: Any) -> None:
        gc.freeze()
        gc.set_threshold(*thresholds)
        if ready_hook is not None:
            ready_hook(app)

    return run_app(config, demo=demo, headless=headless, ready_hook=first_paint)


def run(args: argparse.Namespace) -> int:
    from clock import system_clock
    from kiosk.demo_central import central_extra_installed, start_embedded_central, with_central

    config = demo_config(args.data, args.lang)
    if args.offline or not central_extra_installed():
        return launch(config, demo=True)  # offline: the status bar says so
    central = start_embedded_central(config, system_clock)
    try:
        return launch(with_central(config, central), demo=True)
    finally:
        central.stop()

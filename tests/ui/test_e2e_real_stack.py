"""End to end over the real stack: pcscd + vpcd readers, a pty scanner, SQLite store.

A virtual operator card logs in over PC/SC (PIN verified by the card, 9A challenge),
a document is scanned through the pty into the serial scanner thread, the customer's
card in the second reader is matched, tested and activated with the holder's receipt
signature; pulling the operator card locks.

Parametrised by card backend, each built by ``kiosk.container.build_services`` from the
configuration: ``piv`` (the kiosk's PIV code over pyscard → pcscd → vpcd) and ``pkcs11``
(``[kiosk.card] backend = "pkcs11"``: OpenSC's module in the PKCS#11 worker process →
pcscd → vpcd → the same virtual card).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from clock import FixedClock
from devices.virtual.pki_files import cert_pem
from devices.virtual.scanner import VirtualScanner
from kiosk.config import CardConfig, KioskConfig, ReaderConfig, validate
from kiosk.container import build_services
from kiosk.demo_data import build_demo_world, seed_store
from kiosk.demo_documents import demo_documents
from kiosk.i18n import Catalogue
from kiosk.services.card_check import Verdict
from kiosk.services.context import ServiceHolder, UiContext
from screens.app import KioskApp
from screens.card_check import CardCheckScreen
from screens.home import HomeScreen
from screens.login import LoginScreen
from screens.visit import VisitScreen
from screens.workflows.activation import ActivationScreen
from screens.workflows.hand_out import HandOutSignScreen
from store.database import open_store
from store.journal import Journal
from store.keys import load_or_create_keys
from tests.integration.pcscd_fixture import pcscd, vpcd_cards  # noqa: F401
from tests.ui.helpers import settle, text_of

SV = Catalogue("sv")
pytestmark = pytest.mark.integration


async def _until(pilot: Any, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        await settle(pilot, 1)
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


def _prepare(
    data: Path, scanner_path: str, now: dt.datetime, backend: str
) -> tuple[KioskConfig, Any]:
    config = validate(
        replace(
            KioskConfig().with_data_dir(data),
            readers=ReaderConfig(virtual=False),
            card=CardConfig(backend=backend),
        )
    )
    config = replace(config, scanner=replace(config.scanner, port=scanner_path, framing="crlf"))
    world = build_demo_world(data / "demo-pki", now)
    data.mkdir(parents=True, exist_ok=True)
    keys = load_or_create_keys(config.resolved_key_file)
    store = open_store(config.resolved_database_url, keys)
    try:
        journal = Journal(config.kiosk_id, keys, store.cipher, clock=FixedClock(now))
        seed_store(store, store.cipher, journal, world, now=now)
    finally:
        store.close()
    trust = data / "trust"
    trust.mkdir()
    (trust / "root.pem").write_bytes(cert_pem(world.pki.root))
    (trust / "intermediate.pem").write_bytes(cert_pem(world.pki.intermediate))
    return config, world


@pytest.mark.parametrize("backend", ["piv", "pkcs11"])
async def test_e2e_login_scan_card_test_and_activation_over_pcscd(
    backend: str,
    tmp_path: Path,
    vpcd_cards,  # noqa: F811
    clock: FixedClock,
    today: dt.date,
) -> None:
    scanner = VirtualScanner.open(framing="crlf", documents=demo_documents(today))
    try:
        config, world = _prepare(tmp_path / "data", scanner.path, clock(), backend)
        ctx = UiContext(
            catalogue=SV, services=ServiceHolder(), office_id=config.office_id, clock=clock
        )
        app = KioskApp(
            ctx,
            build_services=lambda: build_services(config, clock=clock),
            status_interval=3600,
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await _until(pilot, lambda: app.ctx.services.ready, 30)
            await _until(pilot, lambda: app.status.scanner == "ok")
            assert isinstance(app.screen, LoginScreen)

            operator = vpcd_cards(world.cards["clerk"].card, reader=0)
            await _until(pilot, lambda: app.status.operator_reader == "card")
            await pilot.press(*"123456", "enter")
            await _until(pilot, lambda: isinstance(app.screen, HomeScreen), 20)
            assert app.ctx.session.operator.hsa_id == "SE2321000016-1001"

            await pilot.press("f2")
            await settle(pilot)
            scanner.scan("swedish-passport")
            await _until(
                pilot,
                lambda: (
                    app.ctx.session.visit is not None and app.ctx.session.visit.identity is not None
                ),
            )
            assert isinstance(app.screen, VisitScreen)
            assert "P<SWEOEBERG" in text_of(app, "#zone")
            assert SV("ui.visit.identity.accepted") in text_of(app, "#checks")
            await pilot.press("f5")
            await _until(pilot, lambda: app.ctx.session.visit.likeness_confirmed is True)

            vpcd_cards(world.cards["asa-new"].card, reader=1)
            await _until(pilot, lambda: app.ctx.session.visit.card_match is not None)
            assert app.ctx.session.visit.card_match.matched
            await pilot.press("f7")
            await settle(pilot)
            assert isinstance(app.screen, CardCheckScreen)
            await pilot.press(*"123456", "enter")
            await _until(pilot, lambda: app.screen.report is not None)
            assert app.screen.report.verdict is Verdict.OK
            # the backend the container built: PKCS#11 runs in its worker process
            workers = [p for p in multiprocessing.active_children() if p.name == "pkcs11-worker"]
            assert bool(workers) == (backend == "pkcs11")
            assert SV("ui.test.verdict.ok") in text_of(app, "#test-report")

            await pilot.press("escape")
            await _until(pilot, lambda: isinstance(app.screen, VisitScreen))
            await pilot.press("f11")
            await _until(pilot, lambda: isinstance(app.screen, ActivationScreen))
            await pilot.press("ctrl+s")
            # the hand-out: the clerk's card certifies, then the holder's card signs
            await _until(pilot, lambda: isinstance(app.screen, HandOutSignScreen), 20)
            await pilot.press(*"123456", "enter")
            await pilot.press(*"123456", "enter")
            await _until(pilot, lambda: bool(app.receipt_flow.outcomes), 30)
            outcome = app.receipt_flow.outcomes[-1]
            assert outcome.signed, outcome
            serial = world.cards["asa-new"].serial
            (holder,) = app.ctx.services.get().lookup.search(serial).holders
            detail = app.ctx.services.get().lookup.detail(holder.holder_id)
            assert detail is not None
            assert [c.state for c in detail.cards if c.serial == serial] == ["active"]

            operator.remove()
            await _until(pilot, lambda: isinstance(app.screen, LoginScreen))
            assert app.ctx.session.operator is None and app.ctx.session.visit is None
            assert SV("ui.lock.card_removed") in text_of(app, "#login-message")
    finally:
        scanner.close()

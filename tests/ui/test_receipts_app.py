"""Receipts, refusals and rejected events in the running app: the demo as
``kiosk demo`` builds it (real SQLite store, in-process virtual readers), driven by pilot."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from textual.widgets import Checkbox, Input, Select

from clock import Clock, FixedClock
from kiosk.config import KioskConfig, ReceiptConfig, validate
from kiosk.container import build_services
from kiosk.i18n import Catalogue
from kiosk.receipts.pades_verify import verify_pades
from kiosk.receipts.verify import verify_receipt
from kiosk.services.ports import ReaderRole
from screens.messages import WorkflowDone
from screens.rejected import RejectedEventsScreen
from screens.workflows.activation import ActivationScreen
from screens.workflows.blocking import BlockScreen
from screens.workflows.hand_out import HandOutSignScreen
from screens.workflows.receipt import HolderSignScreen
from store.models import Card
from tests.ui.helpers import RecordingApp, settle, text_of, type_text
from tests.unit.receipts.pdf_helpers import compact, pdf_text

SV = Catalogue("sv")
ASA_NEW = "9752269000000201"  # shipped to Åsa, photographed here: activation (R2)
PER_ACTIVE = "9752269000000203"  # 613: a block needs the Telia line confirmed (R9)
DEMO_PIN = "123456"


def _config(tmp_path: Path, printer: str = "") -> KioskConfig:
    config = KioskConfig().with_data_dir(tmp_path)
    from dataclasses import replace

    return validate(replace(config, receipts=ReceiptConfig(printer=printer)))


def _app(config: KioskConfig, clock: Clock, **build: Any) -> RecordingApp:
    from kiosk.services.context import ServiceHolder, UiContext

    ctx = UiContext(
        catalogue=SV,
        services=ServiceHolder(),
        office_id=config.office_id,
        clock=clock,
        demo_mode=True,
    )
    return RecordingApp(
        ctx,
        build_services=lambda: build_services(config, clock=clock, **build),
        status_interval=0.2,
    )


async def _ready_and_logged_in(pilot: Any, app: RecordingApp) -> None:
    for _ in range(100):
        await settle(pilot, 1)
        if app.ctx.services.ready:
            break
    await settle(pilot)
    app.ctx.services.get().demo.insert(ReaderRole.OPERATOR, "clerk")
    await settle(pilot)
    await type_text(pilot, DEMO_PIN)
    await pilot.press("enter")
    await settle(pilot)
    assert app.ctx.session.operator is not None


def _card_state(app: RecordingApp, serial: str) -> str:
    store = app.ctx.services.get().receipts.service.store
    with store.unit_of_work() as session:
        row = session.get(Card, serial)
        assert row is not None
        return str(row.state)


async def _wait_for(pilot: Any, predicate: Any, rounds: int = 60) -> None:
    for _ in range(rounds):
        if predicate():
            return
        await settle(pilot, 1)
    assert predicate()


async def _activate_asa(pilot: Any, app: RecordingApp) -> None:
    """Visit, passport, photo likeness, card in the reader, F11, Ctrl+S."""
    demo = app.ctx.services.get().demo
    await pilot.press("f2")
    await settle(pilot)
    demo.scan("swedish-passport")
    await settle(pilot)
    await pilot.press("f5")  # the photo is like the holder
    await settle(pilot)
    demo.insert(ReaderRole.CUSTOMER, "asa-new")
    await settle(pilot)
    await pilot.press("f11")
    await settle(pilot)
    assert isinstance(app.screen, ActivationScreen)
    assert app.screen.query_one("#serial", Input).value == ASA_NEW
    await pilot.press("ctrl+s")
    await _wait_for(pilot, lambda: isinstance(app.screen, HolderSignScreen))
    assert _card_state(app, ASA_NEW) == "active"  # committed before the receipt


async def test_r2_activation_receipt_signed_by_holder_after_a_wrong_pin(
    tmp_path: Path, clock: FixedClock
) -> None:
    config = _config(tmp_path)
    app = _app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready_and_logged_in(pilot, app)
        await _activate_asa(pilot, app)
        assert isinstance(app.screen, HandOutSignScreen)  # the hand-out: terms, two cards
        assert compact(SV("receipt.pades.terms_placeholder")) in compact(text_of(app, "#terms"))
        field = app.screen.query_one("#holder-pin", Input)
        assert field.password  # masked, never echoed
        await type_text(pilot, DEMO_PIN)  # the operator's PIN, then Enter to the holder's
        await pilot.press("enter")
        await type_text(pilot, "000000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert field.value == ""  # cleared at once
        assert SV("error.card.wrong_pin", tries_left=2) in text_of(app, "#wf-message")
        assert app.receipt_flow.outcomes == []  # nothing issued yet: the holder may retry
        await type_text(pilot, DEMO_PIN)
        await pilot.press("enter")
        await type_text(pilot, DEMO_PIN)
        await pilot.press("enter")
        await _wait_for(pilot, lambda: bool(app.receipt_flow.outcomes))
        assert isinstance(app.screen, ActivationScreen)  # back under the workflow's outcome
        outcome = app.receipt_flow.outcomes[-1]
        assert outcome.signed and outcome.problem is None
        path = outcome.delivery.path
        assert path is not None and path.parent == config.resolved_receipts_folder
        pdf = path.read_bytes()
        desk = app.ctx.services.get().receipts
        assert desk.hand_out is not None
        context = desk.hand_out.signing_context()
        verdict = verify_pades(pdf, anchors=context.anchors, crls=context.crls)
        assert verdict.ok, verdict  # certified by the clerk's card, signed by Åsa's
        assert verdict.facts is not None and verdict.facts.card_serial == ASA_NEW
        report = verify_receipt(pdf, store=desk.service.store, office_id=config.office_id)
        assert {"event_found", "facts_match"} <= set(report.keys())
        assert compact("Kortet har aktiverats.") in compact(pdf_text(pdf))
        assert DEMO_PIN not in pdf_text(pdf)
        shown = app.notices
        assert any(SV("receipt.saved", path=path) in m for m in shown)


async def test_locking_while_the_holder_signs_still_issues_the_receipt_unsigned(
    tmp_path: Path,
    clock: FixedClock,
) -> None:
    config = _config(tmp_path)
    app = _app(config, clock)
    folder = config.resolved_receipts_folder
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready_and_logged_in(pilot, app)
        await _activate_asa(pilot, app)
        sign_screen = app.screen
        assert isinstance(sign_screen, HolderSignScreen)
        app.ctx.services.get().demo.remove(ReaderRole.OPERATOR)  # the clerk leaves
        await settle(pilot)
        assert app.ctx.session.operator is None
        assert sign_screen.fallback is not None
        sign_screen.fallback.join(30)
        (saved,) = folder.glob("*card-activated*.pdf")
        text = compact(pdf_text(saved.read_bytes()))
        assert compact(SV("receipt.signature.missing")) in text


async def _block(pilot: Any, app: RecordingApp, serial: str, *, telia: bool) -> None:
    await app.run_action("workflow('block')")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, BlockScreen)
    screen.query_one("#serial", Input).value = serial
    screen.query_one("#reason", Select).value = "lost"
    await settle(pilot)
    assert screen.query_one("#telia", Checkbox).display  # 6xx: Telia's line (R9)
    screen.query_one("#telia", Checkbox).value = telia
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_r9_block_receipt_unsigned_with_the_telia_duty(
    tmp_path: Path, clock: FixedClock
) -> None:
    app = _app(_config(tmp_path), clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready_and_logged_in(pilot, app)
        await _block(pilot, app, PER_ACTIVE, telia=True)
        await _wait_for(pilot, lambda: bool(app.receipt_flow.outcomes))
        assert _card_state(app, PER_ACTIVE) == "blocked"
        outcome = app.receipt_flow.outcomes[-1]
        assert not outcome.signed and outcome.problem is None
        text = compact(pdf_text(outcome.delivery.path.read_bytes()))
        assert compact("också spärra kortet hos Telia, 020-32 32 62") in text
        assert compact(SV("receipt.signature.missing")) not in text  # a block needs none
        assert not any(isinstance(s, HolderSignScreen) for s in app.screen_stack)
        # the same Done again (a nested dialog hands it on): no second receipt
        assert app.screen.result.event_id == outcome.event_id
        app.post_message(WorkflowDone(app.screen.result))
        await settle(pilot)
        assert len(app.receipt_flow.outcomes) == 1
        assert len(list(outcome.delivery.path.parent.glob("*.pdf"))) == 1


async def test_printer_failure_saves_to_the_folder_and_the_block_stands(
    tmp_path: Path, clock: FixedClock
) -> None:
    lp = tmp_path / "failing-lp"
    lp.write_text("#!/bin/sh\necho 'lp: printer on fire' >&2\nexit 1\n")
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)
    config = _config(tmp_path / "data", printer="counter-printer")
    app = _app(config, clock, lp_command=str(lp))
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready_and_logged_in(pilot, app)
        await _block(pilot, app, PER_ACTIVE, telia=True)
        await _wait_for(pilot, lambda: bool(app.receipt_flow.outcomes))
        assert _card_state(app, PER_ACTIVE) == "blocked"  # the transaction stands
        outcome = app.receipt_flow.outcomes[-1]
        delivery = outcome.delivery
        assert not delivery.printed and delivery.path is not None
        assert delivery.path.parent == config.resolved_receipts_folder
        assert "printer on fire" in (delivery.problem or "")
        shown = app.notices
        expected = SV("receipt.print_failed", problem=delivery.problem, path=delivery.path)
        assert any(expected in m for m in shown)


async def test_r9_refused_block_is_journaled_and_counted_by_the_day_report(
    tmp_path: Path,
    clock: FixedClock,
) -> None:
    from clock import local_date
    from kiosk.reports.day import build_day_report
    from kiosk.reports.render import reason_text

    config = _config(tmp_path)
    app = _app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready_and_logged_in(pilot, app)
        await _block(pilot, app, PER_ACTIVE, telia=False)  # not confirmed: refused
        assert "020-32 32 62" in text_of(app, "#wf-message")
        assert _card_state(app, PER_ACTIVE) == "active"
        assert app.receipt_flow.outcomes == []
        store = app.ctx.services.get().receipts.service.store
        day = local_date(app.ctx.clock())
        report = build_day_report(store, day=day, office_id=config.office_id)
        assert dict(report.refusals) == {"error.block.telia_not_confirmed": 1}
        # the palette's day report: the PDF in the reports folder counts it too
        await pilot.press("escape")
        await settle(pilot)
        await app.run_action("day_report")
        pdf_path = config.data_dir / "reports" / f"day-{day.isoformat()}.pdf"
        await _wait_for(pilot, pdf_path.exists)
        text = compact(pdf_text(pdf_path.read_bytes()))
        assert compact(reason_text(SV, "error.block.telia_not_confirmed")) in text


async def test_rejected_events_are_shown_to_the_clerk(tmp_path: Path, clock: FixedClock) -> None:
    from store.sync import mark_many

    app = _app(_config(tmp_path), clock)
    async with app.run_test(size=(110, 30)) as pilot:
        await _ready_and_logged_in(pilot, app)
        await _block(pilot, app, PER_ACTIVE, telia=True)
        await _wait_for(pilot, lambda: bool(app.receipt_flow.outcomes))
        event_id = app.receipt_flow.outcomes[-1].event_id
        store = app.ctx.services.get().receipts.service.store
        with store.unit_of_work() as session:  # what the sync worker records on an answer
            mark_many(session, [("rejected", "card blocked", event_id)])
        await _wait_for(pilot, lambda: app.rejected_count == 1)
        await pilot.press("escape")  # the block dialog closes: the home screen's status bar
        await settle(pilot)
        assert SV("ui.status.rejected", count=1) in text_of(app, "#status-bar")
        shown = app.notices
        assert any(SV("ui.rejected.reason.card_blocked") in m and PER_ACTIVE in m for m in shown)
        await app.run_action("rejected_events")
        await settle(pilot)
        assert isinstance(app.screen, RejectedEventsScreen)
        line = text_of(app, "#rejected-0")
        assert SV("ui.rejected.reason.card_blocked") in line
        assert PER_ACTIVE in line and event_id in line
        # noticed once: the next status rounds do not notify again
        count = len(app.notices)
        await settle(pilot, 4)
        assert len(app.notices) == count

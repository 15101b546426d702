"""The builder for the app's container, and the adapter from the app's visit (R1)."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.documents.kinds import DocumentKind as ScannedKind
from kiosk.domain.types import DocumentKind, Role
from kiosk.errors import IdentityCheckMissing
from kiosk.services.identity import IdentityReport, Task, Verdict
from kiosk.services.ports import HolderSummary, IdentityOutcome
from kiosk.services.visit import Visit, VisitPurpose
from kiosk.services.workflows.common import visit_context_from_ui
from kiosk.services.workflows.container import build_workflows
from tests.unit.workflows.conftest import ADMIN, HOLDER, OFFICE, VALID_FOR, World


def ui_visit(today: dt.date, *, likeness: bool | None, accepted: bool = True) -> Visit:
    report = IdentityReport(
        task=Task.ACTIVATION,
        kind=ScannedKind.PASSPORT,
        issuing_state="SWE",
        expiry_date=today + VALID_FOR,
        checks=(),
        verdict=Verdict.MATCH,
        document_number="AA0000000",
    )
    return Visit(
        purpose=VisitPurpose.ACTIVATION,
        holder=HolderSummary(HOLDER, "Tolvan Tolvansson", "191212121212"),
        identity=IdentityOutcome(accepted=accepted, checks=(), report=report),
        likeness_confirmed=likeness,
    )


def context(visit: Visit, now: dt.datetime) -> object:
    return visit_context_from_ui(
        visit,
        operator_hsa_id=ADMIN,
        operator_role="id_admin",
        office_id=OFFICE,
        started_at=now - dt.timedelta(minutes=5),
        checked_at=now - dt.timedelta(minutes=1),
    )


def test_r1_visit_adapter_takes_the_confirmed_identity_check(
    now: dt.datetime, today: dt.date
) -> None:
    ctx = context(ui_visit(today, likeness=True), now)
    assert ctx.operator.role is Role.ID_ADMIN and ctx.holder_id == HOLDER  # type: ignore[attr-defined]
    document = ctx.require_identity()  # type: ignore[attr-defined]
    assert document.kind is DocumentKind.PASSPORT and document.issuing_state == "SWE"


@pytest.mark.parametrize(("likeness", "accepted"), [(None, True), (False, True), (True, False)])
def test_r1_visit_adapter_unconfirmed_check_does_not_count(
    now: dt.datetime, today: dt.date, likeness: bool | None, accepted: bool
) -> None:
    ctx = context(ui_visit(today, likeness=likeness, accepted=accepted), now)
    with pytest.raises(IdentityCheckMissing):
        ctx.require_identity()  # type: ignore[attr-defined]


def test_build_workflows_wires_every_service(world: World) -> None:
    flows = build_workflows(
        store=world.store, journal=world.journal, card_opener=world.opener(), clock=world.clock
    )
    world.insert(world.card(world.spec("W1")))
    visit_ctx = context(ui_visit(world.today, likeness=True), world.now)
    flows.activation.activate(visit_ctx, "W1")  # type: ignore[arg-type]
    assert world.state("W1") == "active"
    assert flows.sweep.sweep(world.now).blocked == ()


def test_card_opener_over_the_apps_in_process_readers(world: World) -> None:
    from kiosk.services.card import opener_for
    from kiosk.services.devices import InProcessReaders
    from kiosk.services.ports import ReaderRole
    from kiosk.services.workflows.activation import ActivationService
    from kiosk.services.workflows.common import Backend
    from kiosk.services.workflows.errors import CardInReaderMismatch

    readers = InProcessReaders()
    made = world.card(world.spec("W2"))
    other = world.card(world.spec("W3"))
    service = ActivationService(
        Backend(world.store, world.journal, world.clock),
        card_opener=opener_for(readers, ReaderRole.CUSTOMER),
    )
    visit_ctx = context(ui_visit(world.today, likeness=True), world.now)
    readers.insert(ReaderRole.OPERATOR, made.card)  # the wrong reader: not the customer's
    readers.insert(ReaderRole.CUSTOMER, other.card)
    with pytest.raises(CardInReaderMismatch):
        service.activate(visit_ctx, "W2")  # type: ignore[arg-type]
    readers.insert(ReaderRole.CUSTOMER, made.card)
    service.activate(visit_ctx, "W2")  # type: ignore[arg-type]
    assert world.state("W2") == "active"

"""The builder for the app's container, and the visit the workflows take (R1)."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.domain.types import DocumentKind, IdentityDocument, Role, VisitPurpose
from kiosk.errors import IdentityCheckMissingError
from kiosk.services.login import Operator
from kiosk.services.ports import HolderSummary, IdentityOutcome
from kiosk.services.visit import Visit
from kiosk.services.workflows.container import build_workflows
from tests.support.world import ADMIN, HOLDER, OFFICE, VALID_FOR, World


def ui_visit(
    now: dt.datetime, today: dt.date, *, likeness: bool | None, accepted: bool = True
) -> Visit:
    """A visit as the screens hold it: started five minutes ago by an id-administrator, a
    passport checked a minute ago, the photo judged (``likeness``) or not yet (None)."""
    passport = IdentityDocument(DocumentKind.PASSPORT, "SWE", today + VALID_FOR)
    return Visit(
        purpose=VisitPurpose.ACTIVATION,
        operator=Operator(ADMIN, Role.ID_ADMIN, OFFICE),
        holder=HolderSummary(HOLDER, "Tolvan Tolvansson", "191212121212"),
        identity=IdentityOutcome(
            accepted=accepted,
            checks=(),
            document=passport,
            checked_at=now - dt.timedelta(minutes=1),
        ),
        likeness_confirmed=likeness,
        started_at=now - dt.timedelta(minutes=5),
    )


def test_r1_visit_takes_the_confirmed_identity_check(now: dt.datetime, today: dt.date) -> None:
    visit = ui_visit(now, today, likeness=True)
    assert visit.operator.role is Role.ID_ADMIN and visit.holder_id == HOLDER
    document = visit.require_identity()
    assert document.kind is DocumentKind.PASSPORT and document.issuing_state == "SWE"


@pytest.mark.parametrize(("likeness", "accepted"), [(None, True), (False, True), (True, False)])
def test_r1_visit_unconfirmed_check_does_not_count(
    now: dt.datetime, today: dt.date, likeness: bool | None, accepted: bool
) -> None:
    visit = ui_visit(now, today, likeness=likeness, accepted=accepted)
    with pytest.raises(IdentityCheckMissingError):
        visit.require_identity()


def test_r1_identity_check_gives_the_visit_its_document(now: dt.datetime, today: dt.date) -> None:
    """The checker turns its report into the document the rules see, stamped with the
    time of the check."""
    from kiosk.services.identity import IdentityCheckService
    from kiosk.services.identity_check import DocumentIdentityChecker
    from kiosk.services.ports import ManualDocument

    class Recorder:
        def record(self, record: object) -> str:
            return "event-1"

    checker = DocumentIdentityChecker(
        IdentityCheckService(Recorder(), b"k" * 32), clock=lambda: now
    )
    expiry = today + VALID_FOR
    typed = ManualDocument(
        "passport", "SWE", "AA0000000", "191212121212", "Tolvansson", "Tolvan", expiry
    )
    holder = HolderSummary(HOLDER, "Tolvan Tolvansson", "191212121212")
    outcome = checker.check_manual(typed, holder, "activation")
    assert outcome.accepted
    assert outcome.document == IdentityDocument(DocumentKind.PASSPORT, "SWE", expiry)
    assert outcome.checked_at == now


def test_build_workflows_wires_every_service(world: World) -> None:
    flows = build_workflows(
        store=world.store, journal=world.journal, card_opener=world.opener(), clock=world.clock
    )
    world.insert(world.card(world.spec("W1")))
    flows.activation.activate(ui_visit(world.now, world.today, likeness=True), "W1")
    assert world.state("W1") == "active"
    assert flows.sweep.sweep(world.now).blocked == ()


def test_card_opener_over_the_apps_in_process_readers(world: World) -> None:
    from kiosk.services.card import opener_for
    from kiosk.services.device_adapters import InProcessReaders
    from kiosk.services.ports import ReaderRole
    from kiosk.services.workflows.activation import ActivationService
    from kiosk.services.workflows.common import Backend
    from kiosk.services.workflows.errors import CardInReaderMismatchError

    readers = InProcessReaders()
    made = world.card(world.spec("W2"))
    other = world.card(world.spec("W3"))
    service = ActivationService(
        Backend(world.store, world.journal, world.clock),
        card_opener=opener_for(readers, ReaderRole.CUSTOMER),
    )
    visit = ui_visit(world.now, world.today, likeness=True)
    readers.insert(ReaderRole.OPERATOR, made.card)  # the wrong reader: not the customer's
    readers.insert(ReaderRole.CUSTOMER, other.card)
    with pytest.raises(CardInReaderMismatchError):
        service.activate(visit, "W2")
    readers.insert(ReaderRole.CUSTOMER, made.card)
    service.activate(visit, "W2")
    assert world.state("W2") == "active"

"""Contract with the card workflows: each workflow's journal event gets a receipt that verifies.

Runs the real workflow services (``kiosk.services.workflows``), then makes the receipt from
the ``Done.event_id`` they return, as the screens do after the transaction.
"""

from __future__ import annotations

import datetime as dt

import pytest

from devices.card.certs import TrustAnchors
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory
from devices.virtual.pki import TestPki
from kiosk.domain.types import BlockReason, DocumentKind, IdentityDocument, Role
from kiosk.receipts.service import ReceiptIssuer, issue_receipt
from kiosk.receipts.verify import verify_receipt
from kiosk.services.device_adapters import PivCardSession
from kiosk.services.login import Operator
from kiosk.services.ports import HolderSummary
from kiosk.services.visit import Visit
from kiosk.services.workflows.activation import ActivationService
from kiosk.services.workflows.blocking import BlockForm, BlockingService
from kiosk.services.workflows.common import Backend
from kiosk.services.workflows.deadlines import DeadlineService
from kiosk.services.workflows.unlock import UnlockService
from tests.support.seed import CardSpec, add_card
from tests.support.world import (
    ADMIN,
    CLERK,
    HOLDER,
    NAME,
    OFFICE,
    PNR,
    World,
    visit_with_identity,
)
from tests.unit.receipts.pdf_helpers import compact, pdf_text

PASSPORT_VALID = dt.timedelta(days=5 * 365)  # the holder's passport: valid for years yet
PHOTO_AGE = dt.timedelta(days=91)  # the card's photo was taken this long before today


@pytest.fixture
def backend(world: World) -> Backend:
    return Backend(world.store, world.journal, world.clock)


def _visit(world: World) -> Visit:
    now = world.now
    passport = IdentityDocument(DocumentKind.PASSPORT, "SWE", world.today + PASSPORT_VALID)
    return visit_with_identity(
        Operator(CLERK, Role.CLERK, OFFICE),
        HolderSummary(HOLDER, NAME, PNR),
        passport,
        started_at=now - dt.timedelta(minutes=5),
        checked_at=now - dt.timedelta(minutes=1),
    )


def _add(world: World, serial: str, **kw: object) -> None:
    base: dict[str, object] = {
        "holder_id": HOLDER,
        "photo_office_id": OFFICE,
        "photo_date": world.today - PHOTO_AGE,
        "order_date": world.today - PHOTO_AGE,
    }
    base.update(kw)
    add_card(world.store, CardSpec(serial=serial, **base), now=world.now)  # type: ignore[arg-type]


def _check(world: World, receipts: ReceiptIssuer, pdf: bytes, anchors: TrustAnchors | None) -> str:
    report = verify_receipt(pdf, store=world.store, office_id=OFFICE, anchors=anchors)
    assert report.ok, report.findings
    return compact(pdf_text(pdf))


def test_r2_activation_receipt_signed_by_the_holder(
    world: World, backend: Backend, receipts: ReceiptIssuer, factory: CardFactory, pki: TestPki
) -> None:
    card = factory.personalise(holder_id=PNR, name=NAME, product_number="712")
    _add(world, card.serial, state="shipped", product_number="712")
    done = ActivationService(backend).activate(_visit(world), card.serial)
    facts = receipts.facts(done.event_id)
    assert facts.needs_holder_signature
    signature = receipts.sign(facts, PivCardSession(InProcessConnection(card.card)), card.pin)
    outcome = receipts.issue(facts, signature=signature)
    assert outcome.delivery is not None and outcome.delivery.path is not None
    text = _check(
        world,
        receipts,
        outcome.delivery.path.read_bytes(),
        TrustAnchors.from_certificates(pki.trust_anchors),
    )
    assert compact("Kortet har aktiverats.") in text and compact(signature.fingerprint) in text


def test_r9_block_receipt_names_reason_and_telia_duty(
    world: World, backend: Backend, receipts: ReceiptIssuer, pki: TestPki
) -> None:
    _add(world, "SE6000000001", product_number="512")
    form = BlockForm("SE6000000001", BlockReason.LOST, telia_confirmed=True)
    done = BlockingService(backend).block(Operator(CLERK, Role.CLERK, OFFICE), form)
    outcome = issue_receipt(receipts, done.event_id)
    assert outcome.problem is None and outcome.delivery is not None
    assert outcome.delivery.path is not None
    text = _check(world, receipts, outcome.delivery.path.read_bytes(), None)
    assert compact("Skäl: förlorat") in text
    assert compact("också spärra kortet hos Telia, 020-32 32 62") in text
    assert PNR not in text


def test_r11_kept_card_receipt_with_reason_signed(
    world: World,
    backend: Backend,
    receipts: ReceiptIssuer,
    factory: CardFactory,
    pki: TestPki,
) -> None:
    card = factory.personalise(holder_id=PNR, name=NAME, signing=False)
    _add(world, card.serial, state="active", product_number=card.product_number)
    deadlines = DeadlineService(backend)
    clerk = Operator(CLERK, Role.CLERK, OFFICE)
    deadlines.record_end(clerk, card.serial, world.today)
    done = deadlines.take_back(
        clerk, card.serial, keep_card=True, keep_reason="nytt uppdrag i regionen"
    )
    facts = receipts.facts(done.event_id)
    signature = receipts.sign(facts, PivCardSession(InProcessConnection(card.card)), card.pin)
    assert signature.slot == "9A"
    outcome = receipts.issue(facts, signature=signature)
    assert outcome.delivery is not None and outcome.delivery.path is not None
    text = _check(
        world,
        receipts,
        outcome.delivery.path.read_bytes(),
        TrustAnchors.from_certificates(pki.trust_anchors),
    )
    assert compact("Kortet behålls: ja") in text and compact("nytt uppdrag i regionen") in text


def test_r7_code_letter_order_receipt(
    world: World, backend: Backend, receipts: ReceiptIssuer
) -> None:
    _add(world, "SE6000000002", product_number="612")
    unused: object = None  # ordering a letter touches neither the card nor the PUK source
    service = UnlockService(backend, card_opener=unused, puk_source=unused)  # type: ignore[arg-type]
    done = service.order_code_letter(Operator(ADMIN, Role.ID_ADMIN, OFFICE), "SE6000000002")
    outcome = issue_receipt(receipts, done.event_id)
    assert outcome.delivery is not None and outcome.delivery.path is not None
    text = compact(pdf_text(outcome.delivery.path.read_bytes()))
    assert compact("Ett nytt kodbrev har beställts.") in text

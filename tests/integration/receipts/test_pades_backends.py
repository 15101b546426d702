"""The hand-out receipt's two PDF signatures through each card backend the counter can
use (PIV over PC/SC, and PKCS#11 through OpenSC's module in its worker process), on the
real pcscd + vpcd stack, built as the container builds it (``counter_hand_out``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.card.pkcs11_worker import DEFAULT_MODULE, Pkcs11Worker
from kiosk.config import ReaderConfig, ReceiptConfig
from kiosk.receipts.hand_out import counter_hand_out
from kiosk.receipts.pades_verify import verify_pades
from kiosk.receipts.service import ReceiptIssuer
from kiosk.services.card import CardAccess
from kiosk.services.device_adapters import PcscCards, pcsc_opener
from kiosk.services.pkcs11_cards import Pkcs11Cards
from kiosk.trust_files import trust_from_certificates
from tests.integration.pcscd_fixture import InsertCard
from tests.support.world import CLERK, CLERK_NAME, NAME, OFFICE, PNR, World

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def pkcs11_worker() -> Iterator[Pkcs11Worker]:
    worker = Pkcs11Worker(DEFAULT_MODULE, timeout=30)
    yield worker
    worker.close()


@pytest.fixture(params=["piv", "pkcs11"])
def access(request: pytest.FixtureRequest, pkcs11_worker: Pkcs11Worker) -> CardAccess:
    readers = ReaderConfig()
    if request.param == "piv":
        return PcscCards(readers.operator_pattern, readers.customer_pattern)
    return Pkcs11Cards(
        pkcs11_worker,
        readers.operator_pattern,
        readers.customer_pattern,
        piv_opener=lambda reader: pcsc_opener(reader)(),
    )


def test_hand_out_signed_through_the_backend(
    world: World, vpcd_cards: InsertCard, access: CardAccess, tmp_path: Path
) -> None:
    operator = world.factory.personalise(holder_id=CLERK, name=CLERK_NAME)
    holder = world.factory.personalise(holder_id=PNR, name=NAME, product_number="712")
    world.add_personalised(holder)
    event = world.event("card.activated", {"serial": holder.serial})
    issuer = ReceiptIssuer(
        world.store,
        world.journal,
        office_id=OFFICE,
        config=ReceiptConfig(),
        folder=tmp_path / "receipts",
    )
    vpcd_cards(operator.card, 0)
    vpcd_cards(holder.card, 1)
    trust = trust_from_certificates(world.factory.pki.trust_anchors)
    signer = counter_hand_out(issuer, access, trust, world.clock)
    facts = issuer.facts_for_event(event)
    pdf, recorded = signer.sign_with_record(
        facts, operator_pin=operator.pin, holder_pin=holder.pin, lang="en"
    )
    context = signer.signing_context()
    verdict = verify_pades(pdf, anchors=context.anchors, crls=context.crls)
    assert verdict.ok, verdict
    assert recorded.slot == "9C" and verdict.holder_signature == recorded.value

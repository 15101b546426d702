"""The holder signs a receipt with a card in the customer reader (real pcscd + vpcd)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from devices.card.certs import TrustAnchors
from devices.card.errors import WrongPinError
from devices.card.pcsc import PcscContext
from devices.virtual.factory import CardFactory
from devices.virtual.pki import TestPki
from devices.virtual.vpcd import VpcdCard
from kiosk.config import ReceiptConfig
from kiosk.receipts.service import ReceiptIssuer
from kiosk.receipts.verify import verify_receipt
from kiosk.services.device_adapters import PivCardSession
from tests.support.world import NAME, OFFICE, PNR, World

CUSTOMER_READER = "Virtual PCD 00 01"

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("key_type", "signing", "slot"), [("rsa2048", True, "9C"), ("p256", False, "9A")]
)
def test_holder_signs_activation_receipt_over_pcsc_and_it_verifies(
    factory: CardFactory,
    vpcd_cards: Callable[..., VpcdCard],
    pcsc: PcscContext,
    world: World,
    pki: TestPki,
    tmp_path: Path,
    key_type: str,
    signing: bool,
    slot: str,
) -> None:
    card = factory.personalise(
        holder_id=PNR,
        name=NAME,
        product_number="712",
        key_type=key_type,  # type: ignore[arg-type]
        signing=signing,
    )
    world.add_personalised(card)
    event = world.event("card.activated", {"serial": card.serial})
    receipts = ReceiptIssuer(
        world.store,
        world.journal,
        office_id=OFFICE,
        config=ReceiptConfig(printer="Kvitto"),  # no lp on the test machine: folder fallback
        folder=tmp_path / "receipts",
        lp_command="lp-not-installed",
    )
    facts = receipts.facts_for_event(event)
    vpcd_cards(card.card, 1)
    connection = pcsc.connect(CUSTOMER_READER)
    try:
        piv = PivCardSession(connection)
        with pytest.raises(WrongPinError):
            receipts.sign(facts, piv, "000000")
        signature = receipts.sign(facts, piv, card.pin)
    finally:
        connection.close()
    assert signature.slot == slot
    outcome = receipts.issue(facts, signature=signature)
    assert outcome.delivery is not None and outcome.delivery.path is not None
    assert not outcome.delivery.printed
    report = verify_receipt(
        outcome.delivery.path.read_bytes(),
        store=world.store,
        office_id=OFFICE,
        anchors=TrustAnchors.from_certificates(pki.trust_anchors),
    )
    assert report.ok, report.findings
    assert {"signature_ok", "signer_matches", "chain_ok", "journal_signature_ok"} <= set(
        report.keys()
    )

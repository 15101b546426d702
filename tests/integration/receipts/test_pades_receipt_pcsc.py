"""The hand-out receipt on the real stack: the operator's virtual card (operator reader)
certifies it and the holder's (customer reader) signs it, both over pcscd + vpcd; then
an independent validator that nobody here wrote, poppler's ``pdfsig``, checks it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from devices.card.certs import TrustAnchors
from devices.card.pcsc import PcscContext
from devices.virtual.factory import CardFactory
from devices.virtual.pki import TestPki
from devices.virtual.vpcd import VpcdCard
from kiosk.config import ReceiptConfig
from kiosk.receipts.hand_out import HandOutSigner
from kiosk.receipts.pades import SigningContext
from kiosk.receipts.pades_verify import verify_pades
from kiosk.receipts.service import ReceiptIssuer
from kiosk.services.card import CardOpener, CardSession
from kiosk.services.device_adapters import PivCardSession
from tests.support.world import CLERK, CLERK_NAME, NAME, OFFICE, PNR, World

OPERATOR_READER = "Virtual PCD 00 00"
CUSTOMER_READER = "Virtual PCD 00 01"

pytestmark = pytest.mark.integration


def _opener(pcsc: PcscContext, reader: str) -> CardOpener:
    @contextmanager
    def open_card() -> Iterator[CardSession]:
        connection = pcsc.connect(reader)
        try:
            yield PivCardSession(connection)
        finally:
            connection.close()

    return open_card


def _pdfsig(path: Path) -> str:
    tool = shutil.which("pdfsig")
    assert tool is not None, "poppler-utils (pdfsig) is in the Makefile's SYSTEM_PACKAGES_TEST"
    result = subprocess.run(
        [tool, str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    return result.stdout


@pytest.mark.parametrize(("key_type", "signing"), [("rsa2048", True), ("p256", False)])
def test_operator_certifies_and_holder_signs_over_pcsc_and_pdfsig_agrees(
    factory: CardFactory,
    vpcd_cards: Callable[..., VpcdCard],
    pcsc: PcscContext,
    world: World,
    pki: TestPki,
    tmp_path: Path,
    key_type: str,
    signing: bool,
) -> None:
    operator = factory.personalise(holder_id=CLERK, name=CLERK_NAME)
    holder = factory.personalise(
        holder_id=PNR,
        name=NAME,
        product_number="712",
        key_type=key_type,  # type: ignore[arg-type]
        signing=signing,
    )
    world.add_personalised(holder)
    event = world.event("card.activated", {"serial": holder.serial})
    issuer = ReceiptIssuer(
        world.store,
        world.journal,
        office_id=OFFICE,
        config=ReceiptConfig(terms_sv="Testvillkor: kortet är personligt."),
        folder=tmp_path / "receipts",
    )
    facts = issuer.facts_for_event(event)
    anchors = TrustAnchors.from_certificates(pki.trust_anchors)
    vpcd_cards(operator.card, 0)
    vpcd_cards(holder.card, 1)
    signer = HandOutSigner(
        issuer,
        operator_card=_opener(pcsc, OPERATOR_READER),
        holder_card=_opener(pcsc, CUSTOMER_READER),
        context=lambda: SigningContext(at=world.clock(), anchors=anchors),
    )
    pdf = signer.sign(facts, operator_pin=operator.pin, holder_pin=holder.pin, lang="sv")
    verdict = verify_pades(pdf, anchors=anchors)
    assert verdict.key == "receipt.pades.ok", verdict
    assert verdict.holder_with_authentication_key is (not signing)

    signed = tmp_path / "kvitto.pdf"
    signed.write_bytes(pdf)
    report = _pdfsig(signed)
    assert report.count("Signature Validation: Signature is Valid.") == 2, report
    assert "Signature Field Name: Operator" in report
    assert "Signature Field Name: Holder" in report

    tampered = tmp_path / "andrat.pdf"
    tampered.write_bytes(pdf.replace(holder.serial.encode(), b"9752269099999999", 1))
    report = _pdfsig(tampered)
    assert "Signature is Valid." not in report, report
    assert "Signature Validation:" in report

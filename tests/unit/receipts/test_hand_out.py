"""The hand-out through the desk with in-process virtual cards (operator and holder), then
``kiosk receipt verify`` on the kiosk: the PDF signatures, the journal's event and facts,
and the holder's signature as the journal recorded it."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.card.errors import WrongPinError
from devices.virtual.card import InProcessConnection
from devices.virtual.pki_files import cert_pem
from kiosk.cli import main
from kiosk.config import ReceiptConfig
from kiosk.i18n import Catalogue
from kiosk.receipts.desk import ReceiptDesk
from kiosk.receipts.hand_out import counter_hand_out
from kiosk.receipts.service import ReceiptIssuer
from kiosk.services.card import CardAccess, CardSession
from kiosk.services.device_adapters import PivCardSession
from kiosk.services.ports import ReaderRole
from kiosk.services.trust import AnchoredTrust
from tests.support.world import CLERK, CLERK_NAME, NAME, OFFICE, PNR, World


class _TwoReaders:
    """``CardAccess`` over two in-process virtual cards."""

    def __init__(self, operator: object, holder: object) -> None:
        self.cards = {ReaderRole.OPERATOR: operator, ReaderRole.CUSTOMER: holder}

    def open(self, role: ReaderRole) -> CardSession:
        return PivCardSession(InProcessConnection(self.cards[role]))  # type: ignore[arg-type]


def _desk(world: World, tmp_path: Path, access: CardAccess) -> ReceiptDesk:
    issuer = ReceiptIssuer(
        world.store,
        world.journal,
        office_id=OFFICE,
        config=ReceiptConfig(terms_en="Test terms: the card is personal."),
        folder=tmp_path / "receipts",
    )
    anchors = world.factory.pki.trust_anchors
    trust = AnchoredTrust(
        [c.public_bytes(_der()) for c in anchors if c.issuer != c.subject],
        [c.public_bytes(_der()) for c in anchors if c.issuer == c.subject],
    )
    return ReceiptDesk(issuer, hand_out=counter_hand_out(issuer, access, trust, world.clock))


def _der() -> object:
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def test_r2_hand_out_then_receipt_verify_on_the_kiosk_matches_the_journal(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    operator = world.factory.personalise(holder_id=CLERK, name=CLERK_NAME)
    holder = world.factory.personalise(holder_id=PNR, name=NAME, product_number="712")
    world.add_personalised(holder)
    event = world.event("card.activated", {"serial": holder.serial})
    desk = _desk(world, tmp_path, _TwoReaders(operator.card, holder.card))
    facts = desk.plan(event.event_id)
    assert facts is not None and desk.signs_hand_out(facts)
    with pytest.raises(WrongPinError):  # nothing issued: the holder may retry
        desk.sign_hand_out(facts, operator.pin, "999999", lang="en")
    assert not (tmp_path / "receipts").exists() or not list((tmp_path / "receipts").iterdir())
    outcome = desk.sign_hand_out(facts, operator.pin, holder.pin, lang="en")
    assert outcome.signed and outcome.problem is None and outcome.delivery is not None
    path = outcome.delivery.path
    assert path is not None
    trust = world.data_dir / "trust" / "siths.pem"
    trust.parent.mkdir(exist_ok=True)
    trust.write_bytes(b"".join(cert_pem(c) for c in world.factory.pki.trust_anchors))
    code = main(["receipt", "verify", str(path), "--data", str(world.data_dir), "--lang", "en"])
    out = capsys.readouterr().out
    en = Catalogue("en")
    assert code == 0, out
    assert out.startswith("Genuine receipt:")
    assert en("receipt.verify.journal_signature_ok") in out
    assert en("receipt.verify.facts_match") in out

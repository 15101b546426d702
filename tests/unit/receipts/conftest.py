"""Fixtures for receipt and report tests over the test world (``tests.support.world``):
the holder's card, its PIV session and the receipt issuer."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory, PersonalisedCard
from kiosk.config import ReceiptConfig
from kiosk.receipts.service import ReceiptIssuer
from kiosk.services.card import CardSession
from kiosk.services.device_adapters import PivCardSession
from tests.support.world import NAME, OFFICE, PNR, World


@pytest.fixture(scope="session")
def holder_card(factory: CardFactory) -> PersonalisedCard:
    return factory.personalise(
        holder_id=PNR, name=NAME, product_number="712", serial="9752269000000001"
    )


@pytest.fixture
def piv(holder_card: PersonalisedCard) -> CardSession:
    return PivCardSession(InProcessConnection(holder_card.card))


@pytest.fixture
def receipts(world: World, tmp_path: Path) -> ReceiptIssuer:
    return ReceiptIssuer(
        world.store,
        world.journal,
        office_id=OFFICE,
        config=ReceiptConfig(folder=str(tmp_path / "receipts"), printer=""),
        folder=tmp_path / "receipts",
    )

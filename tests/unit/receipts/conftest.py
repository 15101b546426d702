"""Fixtures for receipt and report tests: a seeded store, a test PKI and virtual cards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from clock import FixedClock
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory, PersonalisedCard
from devices.virtual.pki import TestPki
from kiosk.config import ReceiptConfig
from kiosk.receipts.service import ReceiptIssuer
from kiosk.services.card import CardSession
from kiosk.services.device_adapters import PivCardSession
from tests.support.receipt_world import HOLDER_NAME, HOLDER_PNR, OFFICE_ID, World, make_world


@pytest.fixture(scope="session")
def pki(now: dt.datetime) -> TestPki:
    return TestPki.create(now=now)


@pytest.fixture(scope="session")
def factory(pki: TestPki) -> CardFactory:
    return CardFactory(pki, master_secret=b"receipt-test-master-secret")


@pytest.fixture(scope="session")
def holder_card(factory: CardFactory) -> PersonalisedCard:
    return factory.personalise(
        holder_id=HOLDER_PNR, name=HOLDER_NAME, product_number="712", serial="9752269000000001"
    )


@pytest.fixture
def world(tmp_path: Path, clock: FixedClock) -> Iterator[World]:
    built = make_world(tmp_path / "data", clock=clock)
    yield built
    built.store.close()


@pytest.fixture
def piv(holder_card: PersonalisedCard) -> CardSession:
    return PivCardSession(InProcessConnection(holder_card.card))


@pytest.fixture
def receipts(world: World, tmp_path: Path) -> ReceiptIssuer:
    return ReceiptIssuer(
        world.store,
        world.journal,
        office_id=OFFICE_ID,
        config=ReceiptConfig(folder=str(tmp_path / "receipts"), printer=""),
        folder=tmp_path / "receipts",
    )

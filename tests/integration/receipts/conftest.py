"""Receipt integration fixtures: the real pcscd + vpcd stack, a test PKI, a seeded store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from clock import FixedClock
from devices.card.pcsc import PcscContext
from devices.virtual.factory import CardFactory
from devices.virtual.pki import TestPki
from tests.integration.pcscd_fixture import pcscd, vpcd_cards  # noqa: F401
from tests.support.receipt_world import World, make_world


@pytest.fixture(scope="session")
def pki(now: dt.datetime) -> TestPki:
    return TestPki.create(now=now)


@pytest.fixture(scope="session")
def factory(pki: TestPki) -> CardFactory:
    return CardFactory(pki, master_secret=b"receipt-integration-secret")


@pytest.fixture
def pcsc(pcscd: object) -> Iterator[PcscContext]:  # noqa: F811
    context = PcscContext()
    yield context
    context.release()


@pytest.fixture
def world(tmp_path: Path, clock: FixedClock) -> Iterator[World]:
    built = make_world(tmp_path / "data", clock=clock)
    yield built
    built.store.close()

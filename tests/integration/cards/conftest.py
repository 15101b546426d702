"""Card integration fixtures: the real pcscd + vpcd stack (shared plugin module), a test
PKI and card factory, and PIV sessions over PC/SC connections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from devices.card.certs import TrustAnchors
from devices.card.pcsc import PcscConnection, PcscContext
from devices.card.piv import PivSession
from devices.virtual.factory import CardFactory
from devices.virtual.pki import TestPki
from tests.integration.pcscd_fixture import pcscd, vpcd_cards  # noqa: F401

MASTER_SECRET = b"integration-card-management-secret"


@pytest.fixture(scope="session")
def pki(now: dt.datetime) -> TestPki:
    return TestPki.create(now=now)


@pytest.fixture(scope="session")
def anchors(pki: TestPki) -> TrustAnchors:
    return TrustAnchors.from_certificates(pki.trust_anchors)


@pytest.fixture(scope="session")
def factory(pki: TestPki) -> CardFactory:
    return CardFactory(pki, master_secret=MASTER_SECRET)


@pytest.fixture
def pcsc(pcscd: object) -> Iterator[PcscContext]:  # noqa: F811
    context = PcscContext()
    yield context
    context.release()


@pytest.fixture
def open_session(pcsc: PcscContext) -> Iterator[Callable[[str], PivSession]]:
    """``open_session(reader_name) -> PivSession`` over a real PC/SC connection."""
    connections: list[PcscConnection] = []

    def open_(reader: str) -> PivSession:
        connection = pcsc.connect(reader)
        connections.append(connection)
        return PivSession(connection)

    yield open_
    for connection in connections:
        connection.close()

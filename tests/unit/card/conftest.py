from __future__ import annotations

import datetime as dt

import pytest

from devices.virtual.factory import CardFactory
from devices.virtual.pki import TestPki


@pytest.fixture(scope="session")
def pki(now: dt.datetime) -> TestPki:
    return TestPki.create(now=now)


@pytest.fixture(scope="session")
def factory(pki: TestPki) -> CardFactory:
    return CardFactory(pki, master_secret=b"unit-test-master-secret")


class RecordingConnection:
    """Wraps a connection and records the exact APDUs sent (byte-level assertions)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(apdu)
        return self.inner.transmit(apdu)  # type: ignore[attr-defined, no-any-return]

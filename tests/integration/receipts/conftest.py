"""Receipt integration fixtures: the real pcscd + vpcd stack; the test PKI and the seeded
store are the test world's (``tests.support.world``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.card.pcsc import PcscContext
from tests.integration.pcscd_fixture import pcscd, vpcd_cards  # noqa: F401


@pytest.fixture
def pcsc(pcscd: object) -> Iterator[PcscContext]:  # noqa: F811
    context = PcscContext()
    yield context
    context.release()

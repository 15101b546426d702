"""Fixtures for the domain tests: a card factory with sensible defaults."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from kiosk.domain.types import (
    CardFacts,
    CardState,
    DocumentKind,
    IdentityDocument,
    ShipmentMethod,
)

OFFICE = "office-sthlm-city"
OTHER_OFFICE = "office-huddinge"
HOLDER = "holder-1"
TODAY = date(2026, 3, 15)

BASE_CARD = CardFacts(
    serial="SE0001",
    product_number="712",
    state=CardState.SHIPPED,
    holder_id=HOLDER,
    shipment_method=ShipmentMethod.A_POST,
    photo_office_id=OFFICE,
    photo_date=date(2026, 1, 10),
    order_date=date(2026, 1, 10),
)

SWEDISH_PASSPORT = IdentityDocument(DocumentKind.PASSPORT, "SWE", date(2030, 1, 1))
FOREIGN_PASSPORT = IdentityDocument(DocumentKind.PASSPORT, "NOR", date(2030, 1, 1))


@pytest.fixture
def card() -> Callable[..., CardFacts]:
    def make(**changes: Any) -> CardFacts:
        return replace(BASE_CARD, **changes)

    return make

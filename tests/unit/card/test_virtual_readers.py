"""The in-process reader bank used by the demo and UI tests."""

from __future__ import annotations

import pytest

from devices.card.errors import CardRemovedError, NoCardError, ReaderGoneError
from devices.card.piv import PivSession
from devices.card.readers import CardInserted, CardRemoved, ReaderChange
from devices.virtual.factory import CardFactory
from devices.virtual.readers import VirtualReaderBank

OP, CU = "Virtual PCD 00 00", "Virtual PCD 00 01"


def test_insert_connect_remove(factory: CardFactory) -> None:
    bank = VirtualReaderBank()
    events: list[ReaderChange] = []
    bank.subscribe(events.append)
    with pytest.raises(NoCardError):
        bank.connect(CU)
    with pytest.raises(ReaderGoneError):
        bank.connect("nope")
    issued = factory.personalise()
    bank.insert(CU, issued.card)
    session = PivSession(bank.connect(CU))
    chuid = session.read_chuid()
    assert chuid is not None and chuid.guid == issued.guid
    bank.remove(CU)
    with pytest.raises(CardRemovedError):
        session.read_chuid()
    assert events == [CardInserted(CU, "customer", issued.card.atr), CardRemoved(CU, "customer")]


def test_late_subscriber_sees_present_card(factory: CardFactory) -> None:
    bank = VirtualReaderBank()
    card = factory.personalise().card
    bank.insert(OP, card)
    events: list[ReaderChange] = []
    bank.subscribe(events.append)
    assert events == [CardInserted(OP, "operator", card.atr)]
    assert bank.card_in(OP) is card

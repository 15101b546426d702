"""A card that answers ``61 xx`` (more data) for ever: the response chain is bounded by the
number of GET RESPONSEs and by the bytes received, counted in APDUs, never by wall time."""

from __future__ import annotations

import pytest

from devices.card import piv
from devices.card.errors import ResponseTooLongError
from devices.card.piv import MAX_GET_RESPONSES, MAX_RESPONSE_BYTES, PivSession, Slot
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory, PersonalisedCard
from kiosk.i18n import Catalogue

# Far above what the bounds allow: the old, unbounded loop reaches it and fails the test
# with ``RunawayCardError`` instead of hanging.
APDU_GUARD = 20_000


class RunawayCardError(Exception):
    """The session went on exchanging APDUs past the test's guard."""


class CountingConnection:
    def __init__(self, card: PersonalisedCard) -> None:
        self.inner = InProcessConnection(card.card)
        self.count = 0

    def transmit(self, apdu: bytes) -> bytes:
        self.count += 1
        if self.count > APDU_GUARD:
            raise RunawayCardError(f"{self.count} APDUs and still going")
        return self.inner.transmit(apdu)


@pytest.fixture
def issued(factory: CardFactory) -> PersonalisedCard:
    return factory.personalise(product="7xx", pin="123456", puk="12345678")


def test_bounds_cover_the_largest_piv_object_with_room() -> None:
    # SP 800-73-4's largest container (the facial image) is 12,704 bytes; an ordinary
    # card's longest answer here is a certificate object of about 1 kB.
    assert MAX_RESPONSE_BYTES >= 4 * 12_704
    # Full 256-byte pieces reach the size bound well inside the count bound.
    assert MAX_GET_RESPONSES * 256 >= 2 * MAX_RESPONSE_BYTES


def test_ordinary_long_object_still_reads(issued: PersonalisedCard) -> None:
    connection = CountingConnection(issued)
    session = PivSession(connection)
    assert session.read_certificate(Slot.AUTHENTICATION) is not None


def test_card_sending_256_bytes_and_61_00_for_ever_is_stopped_by_size(
    issued: PersonalisedCard,
) -> None:
    connection = CountingConnection(issued)
    session = PivSession(connection)
    issued.card.hostile_get_response()
    before = connection.count
    with pytest.raises(ResponseTooLongError) as caught:
        session.read_certificate(Slot.AUTHENTICATION)
    used = connection.count - before
    # GET DATA, then GET RESPONSEs until the bytes pass the bound: no more.
    assert used == 1 + MAX_RESPONSE_BYTES // 256
    assert caught.value.params["apdus"] == used
    assert caught.value.params["size"] > MAX_RESPONSE_BYTES


def test_card_answering_61_00_without_data_for_ever_is_stopped_by_count(
    issued: PersonalisedCard,
) -> None:
    connection = CountingConnection(issued)
    session = PivSession(connection)
    issued.card.hostile_get_response(piece=b"")
    before = connection.count
    with pytest.raises(ResponseTooLongError):
        session.read_certificate(Slot.AUTHENTICATION)
    assert connection.count - before == 1 + MAX_GET_RESPONSES


def test_card_answering_one_byte_at_a_time_is_stopped_by_count(
    issued: PersonalisedCard,
) -> None:
    connection = CountingConnection(issued)
    session = PivSession(connection)
    issued.card.hostile_get_response(piece=b"\x00")
    before = connection.count
    with pytest.raises(ResponseTooLongError):
        session.read_certificate(Slot.SIGNATURE)
    assert connection.count - before == 1 + MAX_GET_RESPONSES


def test_session_works_again_once_the_card_behaves(issued: PersonalisedCard) -> None:
    connection = CountingConnection(issued)
    session = PivSession(connection)
    issued.card.hostile_get_response()
    with pytest.raises(ResponseTooLongError):
        session.read_certificate(Slot.AUTHENTICATION)
    issued.card.faults.clear()
    issued.card.fault_data.clear()
    assert session.read_certificate(Slot.AUTHENTICATION) is not None


def test_bounds_are_module_constants_the_loop_reads(
    issued: PersonalisedCard, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(piv, "MAX_GET_RESPONSES", 3)
    connection = CountingConnection(issued)
    session = PivSession(connection)
    issued.card.hostile_get_response(piece=b"")
    before = connection.count
    with pytest.raises(ResponseTooLongError):
        session.read_certificate(Slot.AUTHENTICATION)
    assert connection.count - before == 4


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_clerk_reads_the_endless_card_in_plain_words(lang: str) -> None:
    text = Catalogue(lang).error(ResponseTooLongError(apdus=257, size=65_792))
    assert "⟨" not in text
    assert "257" in text

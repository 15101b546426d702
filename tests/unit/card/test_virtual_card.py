"""The virtual card engine: what PIV middleware expects, at the byte level."""

from __future__ import annotations

import pytest

from devices.virtual.card import APPLICATION_TEMPLATE, DEFAULT_ATR, VirtualPivCard
from devices.virtual.factory import CardFactory, PersonalisedCard, derive_puk
from kiosk.domain.pin import PIN_TRIES, PUK_TRIES

SELECT = bytes.fromhex("00A4040009A0000003080000100000")
GET_9A = bytes.fromhex("00CB3FFF055C035FC105")


@pytest.fixture
def card(factory: CardFactory) -> VirtualPivCard:
    return factory.personalise(pin="123456", puk="12345678").card


def test_atr_carries_piv_aid_and_checksum() -> None:
    assert DEFAULT_ATR[0] == 0x3B
    assert bytes.fromhex("A00000030800001000") in DEFAULT_ATR
    check = 0
    for byte in DEFAULT_ATR[1:]:
        check ^= byte
    assert check == 0


def test_select_answers_template_and_other_aids_not_found(card: VirtualPivCard) -> None:
    assert card.transmit(SELECT) == APPLICATION_TEMPLATE + b"\x90\x00"
    assert card.transmit(bytes.fromhex("00A4040007A0000000031010")) == b"\x6a\x82"
    assert card.transmit(bytes.fromhex("00FD000000")) == b"\x6d\x00"
    # still selected after the probes:
    assert card.transmit(bytes.fromhex("00CB3FFF055C035FC10200"))[-2:] == b"\x90\x00"


def test_get_data_small_le_then_get_response(card: VirtualPivCard) -> None:
    card.transmit(SELECT)
    first = card.transmit(GET_9A + b"\x08")
    assert len(first) == 10 and first[-2] == 0x61
    assert first[:1] == b"\x53"
    full = card.transmit(GET_9A + b"\x00")
    body = full[:-2]
    assert len(body) == 256 and full[-2] == 0x61
    while full[-2] == 0x61:
        full = card.transmit(bytes((0, 0xC0, 0, 0, full[-1])))
        assert len(full) <= 258
        body += full[:-2]
    assert full[-2:] == b"\x90\x00"
    assert body[0] == 0x53


def test_verify_status_query_and_reset(card: VirtualPivCard) -> None:
    card.transmit(SELECT)
    assert card.transmit(bytes.fromhex("0020008000")[:4]) == b"\x63\xc3"
    assert card.transmit(bytes.fromhex("0020008008313233343536FFFF")) == b"\x90\x00"
    assert card.transmit(bytes.fromhex("00200080")) == b"\x90\x00"
    card.reset()
    card.transmit(SELECT)
    assert card.transmit(bytes.fromhex("00200080")) == b"\x63\xc3"


def test_r6_tries_left_counts_down_and_stops_at_zero(card: VirtualPivCard) -> None:
    """The card counts the tries and the kiosk reads them: PIN_TRIES PINs, PUK_TRIES PUKs."""
    card.transmit(SELECT)
    wrong_pin = bytes.fromhex("0020008008") + b"000000\xff\xff"
    left = [card.pin_tries_left]
    for _ in range(4):
        card.transmit(wrong_pin)
        left.append(card.pin_tries_left)
    assert left == [3, 2, 1, 0, 0]
    assert card.pin_limit == PIN_TRIES
    wrong_puk = bytes.fromhex("002C008010") + b"00000000" + b"135790\xff\xff"
    for _ in range(4):
        card.transmit(wrong_puk)
    assert card.puk_tries_left == 6
    assert card.puk_limit == PUK_TRIES


def test_commands_before_select_are_refused(card: VirtualPivCard) -> None:
    assert card.transmit(GET_9A + b"\x00")[-2:] != b"\x90\x00"


def test_r7_derived_puk_is_stable_and_per_card() -> None:
    a = derive_puk(b"master", "9752269000000001")
    assert a == derive_puk(b"master", "9752269000000001")
    assert a != derive_puk(b"master", "9752269000000002")
    assert a != derive_puk(b"other", "9752269000000001")
    assert len(a) == 8 and a.isdigit()


def test_r7_factory_puk_rules(factory: CardFactory) -> None:
    seven: PersonalisedCard = factory.personalise(product="7xx", serial="9752269000000001")
    assert seven.puk == derive_puk(b"unit-test-master-secret", "9752269000000001")
    assert seven.code_letter is None
    for series in ("5xx", "6xx", "none"):
        card = factory.personalise(product=series)  # type: ignore[arg-type]
        assert card.code_letter is not None and card.puk in card.code_letter
        assert "KODBREV" in card.code_letter
        assert card.product_series == series
        assert card.puk not in repr(card) and card.pin not in repr(card)


@pytest.mark.parametrize(("pin", "puk"), [("12", None), ("123456", "1234"), ("abcdef", None)])
def test_factory_refuses_bad_codes(factory: CardFactory, pin: str, puk: str | None) -> None:
    from devices.card.errors import InvalidPinFormatError

    with pytest.raises(InvalidPinFormatError):
        factory.personalise(pin=pin, puk=puk)

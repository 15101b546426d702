"""APDU encoding, BER-TLV and status words: pure byte-level tests."""

from __future__ import annotations

import pytest

from devices.card.apdu import (
    Apdu,
    Operation,
    chain,
    encode_length,
    iter_tlv,
    parse_tlv,
    raise_for_status,
    split_response,
    tlv,
    tries_left,
    unwrap,
)
from devices.card.errors import (
    MalformedResponseError,
    NotPivCardError,
    PinLockedError,
    PukBlockedError,
    SecurityStatusNotSatisfiedError,
    UnexpectedStatusError,
    WrongPinError,
    WrongPukError,
)


def test_encode_cases() -> None:
    assert Apdu(0x00, 0x20, 0x00, 0x80).encode() == bytes.fromhex("00200080")
    assert Apdu(0x00, 0xC0, 0, 0, le=0).encode() == bytes.fromhex("00C0000000")
    assert Apdu(0x00, 0xC0, 0, 0, le=256).encode() == bytes.fromhex("00C0000000")
    assert Apdu(0x00, 0xCB, 0x3F, 0xFF, bytes.fromhex("5C035FC102"), 0).encode() == bytes.fromhex(
        "00CB3FFF055C035FC10200"
    )
    with pytest.raises(ValueError):
        Apdu(0, 0x87, 0, 0, bytes(256)).encode()


def test_apdu_repr_hides_data() -> None:
    apdu = Apdu(0, 0x20, 0, 0x80, b"123456\xff\xff")
    assert "123456" not in repr(apdu)
    assert "8 bytes" in repr(apdu)


def test_chain_splits_with_cla_bit() -> None:
    pieces = chain(Apdu(0x00, 0x87, 0x07, 0x9A, bytes(300), 0))
    assert [p.cla for p in pieces] == [0x10, 0x00]
    assert [len(p.data) for p in pieces] == [255, 45]
    assert pieces[0].le is None and pieces[1].le == 0


def test_split_response() -> None:
    assert split_response(bytes.fromhex("01029000")) == (b"\x01\x02", 0x9000)
    with pytest.raises(MalformedResponseError):
        split_response(b"\x90")


@pytest.mark.parametrize(
    ("length", "encoded"),
    [
        (0, "00"),
        (0x7F, "7F"),
        (0x80, "8180"),
        (0xFF, "81FF"),
        (0x100, "820100"),
        (0x1234, "821234"),
    ],
)
def test_length_encoding(length: int, encoded: str) -> None:
    assert encode_length(length) == bytes.fromhex(encoded)


def test_tlv_roundtrip_multibyte_tags_and_long_values() -> None:
    value = bytes(range(256)) * 3
    data = tlv(0x5FC102, b"ab") + tlv(0x70, value) + b"\x00\xff" + tlv(0x7F61, b"")
    assert list(iter_tlv(data)) == [(0x5FC102, b"ab"), (0x70, value), (0x7F61, b"")]
    assert tlv(0x5C, b"\x7e") == bytes.fromhex("5C017E")
    assert parse_tlv(tlv(0x01, b"a") + tlv(0x01, b"b")) == {0x01: b"a"}


@pytest.mark.parametrize("bad", ["7005AB", "5F", "81830000", "70"])
def test_tlv_truncated_is_malformed(bad: str) -> None:
    with pytest.raises(MalformedResponseError):
        list(iter_tlv(bytes.fromhex(bad)))


def test_unwrap() -> None:
    assert unwrap(bytes.fromhex("5302ABCD"), 0x53) == b"\xab\xcd"
    with pytest.raises(MalformedResponseError):
        unwrap(bytes.fromhex("5402ABCD"), 0x53)


def test_r6_status_words_for_pin() -> None:
    with pytest.raises(WrongPinError) as info:
        raise_for_status(0x63C2, Operation.VERIFY_PIN)
    assert info.value.tries_left == 2
    assert info.value.params == {"tries_left": 2}
    with pytest.raises(PinLockedError):
        raise_for_status(0x63C0, Operation.VERIFY_PIN)
    with pytest.raises(PinLockedError):
        raise_for_status(0x6983, Operation.CHANGE_PIN)


def test_r7_status_words_for_puk() -> None:
    with pytest.raises(WrongPukError) as info:
        raise_for_status(0x63C9, Operation.UNBLOCK)
    assert info.value.tries_left == 9
    with pytest.raises(PukBlockedError):
        raise_for_status(0x6983, Operation.UNBLOCK)
    with pytest.raises(PukBlockedError):
        raise_for_status(0x63C0, Operation.UNBLOCK)


def test_other_status_words() -> None:
    raise_for_status(0x9000)
    with pytest.raises(SecurityStatusNotSatisfiedError):
        raise_for_status(0x6982, Operation.SIGN)
    for sw in (0x6A82, 0x6D00, 0x6E00):
        with pytest.raises(NotPivCardError):
            raise_for_status(sw, Operation.SELECT)
    with pytest.raises(UnexpectedStatusError) as info:
        raise_for_status(0x6A82)
    assert info.value.params == {"sw": "6A82"}
    with pytest.raises(UnexpectedStatusError):
        raise_for_status(0x63C1)  # tries mean nothing outside PIN/PUK commands


def test_r6_tries_left_reads_pin_and_puk_status_words() -> None:
    assert tries_left(0x63C2) == 2
    assert tries_left(0x63C0) == 0
    assert tries_left(0x6983) == 0
    assert tries_left(0x9000) is None
    assert tries_left(0x6982) is None

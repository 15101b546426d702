"""APDU encoding, BER-TLV, and status words → typed errors. Pure: bytes in, bytes out."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

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
from devices.card.pin import PinState

SW_OK = 0x9000
SW_SECURITY_STATUS = 0x6982
SW_AUTH_BLOCKED = 0x6983
SW_NOT_FOUND = 0x6A82
SW_INS_NOT_SUPPORTED = 0x6D00
SW_CLA_NOT_SUPPORTED = 0x6E00
SW_WRONG_DATA = 0x6A80
SW_INCORRECT_P1P2 = 0x6A86
SW_REF_NOT_FOUND = 0x6A88
SW_WRONG_LENGTH = 0x6700
SW_CONDITIONS = 0x6985

INS_SELECT = 0xA4
INS_GET_DATA = 0xCB
INS_GET_RESPONSE = 0xC0
INS_VERIFY = 0x20
INS_CHANGE_REFERENCE = 0x24
INS_RESET_RETRY = 0x2C
INS_GENERAL_AUTHENTICATE = 0x87

CLA_CHAIN = 0x10
MAX_SHORT_DATA = 255


@dataclass(frozen=True, slots=True)
class Apdu:
    """A short command APDU. ``le`` 0..256 (256 encodes as 00); None means no Le."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None

    def encode(self) -> bytes:
        if len(self.data) > MAX_SHORT_DATA:
            raise ValueError("command data longer than 255 bytes needs chaining")
        out = bytearray((self.cla, self.ins, self.p1, self.p2))
        if self.data:
            out.append(len(self.data))
            out += self.data
        if self.le is not None:
            out.append(self.le & 0xFF)
        return bytes(out)

    def __repr__(self) -> str:
        # Data may carry a PIN or PUK: show only its length.
        return (
            f"Apdu(cla={self.cla:02X}, ins={self.ins:02X}, p1={self.p1:02X}, "
            f"p2={self.p2:02X}, data=<{len(self.data)} bytes>, le={self.le})"
        )


def chain(apdu: Apdu, size: int = MAX_SHORT_DATA) -> list[Apdu]:
    """Split a long command into chained pieces (CLA bit 0x10 on all but the last)."""
    if len(apdu.data) <= size:
        return [apdu]
    pieces = [apdu.data[i : i + size] for i in range(0, len(apdu.data), size)]
    out = [Apdu(apdu.cla | CLA_CHAIN, apdu.ins, apdu.p1, apdu.p2, p) for p in pieces[:-1]]
    out.append(Apdu(apdu.cla, apdu.ins, apdu.p1, apdu.p2, pieces[-1], apdu.le))
    return out


def split_response(raw: bytes) -> tuple[bytes, int]:
    """Response APDU → (data, status word)."""
    if len(raw) < 2:
        raise MalformedResponseError(what="response shorter than a status word")
    return raw[:-2], (raw[-2] << 8) | raw[-1]


# --- BER-TLV ---------------------------------------------------------------------------


def encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes((length,))
    if length <= 0xFF:
        return bytes((0x81, length))
    if length <= 0xFFFF:
        return bytes((0x82, length >> 8, length & 0xFF))
    raise ValueError("TLV value too long")


def tlv(tag: int, value: bytes) -> bytes:
    """One BER-TLV element; multi-byte tags (e.g. 0x5FC102) are written big-endian."""
    tag_bytes = tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")
    return tag_bytes + encode_length(len(value)) + value


def _read_tag(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise MalformedResponseError(what="TLV tag missing")
    first = data[pos]
    tag = first
    pos += 1
    if first & 0x1F == 0x1F:
        while True:
            if pos >= len(data):
                raise MalformedResponseError(what="TLV tag truncated")
            byte = data[pos]
            tag = (tag << 8) | byte
            pos += 1
            if not byte & 0x80:
                break
    return tag, pos


def _read_length(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise MalformedResponseError(what="TLV length missing")
    first = data[pos]
    pos += 1
    if first < 0x80:
        return first, pos
    count = first & 0x7F
    if count == 0 or count > 3 or pos + count > len(data):
        raise MalformedResponseError(what="TLV length invalid")
    return int.from_bytes(data[pos : pos + count], "big"), pos + count


def iter_tlv(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(tag, value) pairs at one level; 00/FF padding between elements is skipped."""
    pos = 0
    while pos < len(data):
        if data[pos] in (0x00, 0xFF):
            pos += 1
            continue
        tag, pos = _read_tag(data, pos)
        length, pos = _read_length(data, pos)
        if pos + length > len(data):
            raise MalformedResponseError(what="TLV value truncated")
        yield tag, data[pos : pos + length]
        pos += length


def parse_tlv(data: bytes) -> dict[int, bytes]:
    """One level of TLV as a dict (first occurrence of each tag wins)."""
    out: dict[int, bytes] = {}
    for tag, value in iter_tlv(data):
        out.setdefault(tag, value)
    return out


def unwrap(data: bytes, tag: int) -> bytes:
    """The value of a TLV that must start ``data`` with ``tag``."""
    for found, value in iter_tlv(data):
        if found != tag:
            raise MalformedResponseError(what=f"expected tag {tag:X}, found {found:X}")
        return value
    raise MalformedResponseError(what=f"expected tag {tag:X}, found nothing")


# --- status words -----------------------------------------------------------------------


class Operation(enum.Enum):
    """What the command was for: the same status word means different things per command."""

    GENERIC = "generic"
    SELECT = "select"
    VERIFY_PIN = "verify_pin"
    CHANGE_PIN = "change_pin"
    UNBLOCK = "unblock"
    PUK_STATUS = "puk_status"
    SIGN = "sign"


def tries_left(sw: int) -> int | None:
    """The tries a PIN or PUK status word reports: ``63Cx`` x, ``6983`` (blocked) 0;
    None for any other status word."""
    if sw & 0xFFF0 == 0x63C0:
        return sw & 0x0F
    if sw == SW_AUTH_BLOCKED:
        return 0
    return None


def raise_for_status(sw: int, operation: Operation = Operation.GENERIC) -> None:
    """Raise the typed error a status word means for ``operation``; 9000 returns."""
    if sw == SW_OK:
        return
    puk = operation in (Operation.UNBLOCK, Operation.PUK_STATUS)
    pin = operation in (Operation.VERIFY_PIN, Operation.CHANGE_PIN)
    tries = tries_left(sw) if pin or puk else None
    if tries == 0:
        raise PukBlockedError() if puk else PinLockedError()
    if tries is not None:
        state = PinState.exact(tries)
        raise WrongPukError(state=state) if puk else WrongPinError(state=state)
    if sw == SW_SECURITY_STATUS:
        raise SecurityStatusNotSatisfiedError()
    if operation is Operation.SELECT and sw in (
        SW_NOT_FOUND,
        SW_INS_NOT_SUPPORTED,
        SW_CLA_NOT_SUPPORTED,
        SW_INCORRECT_P1P2,
    ):
        raise NotPivCardError()
    raise UnexpectedStatusError(sw=sw)

"""Pure framers: bytes from an MRZ scanner in, complete zones (or rejections) out.

No I/O and no clock of their own: the reader passes ``now`` (seconds, monotonic) with
every call, so the framers are deterministic and fuzzable. Framings (``scanner.framing``
in the configuration):

``cr`` / ``crlf``
    Each zone line ends with CR (or CR LF). A zone is complete after 3 lines of 30
    characters (TD1) or 2 lines of 36 (TD2) or 44 (TD3). Either line end is accepted in
    both modes; the name only says what the scanner sends.
``stx-etx`` / ``stx-etx-bcc``
    ``STX payload ETX`` (payload: the zone lines separated by CR), optionally followed by
    a BCC byte: the XOR of every byte after STX up to and including ETX.
``soh-length``
    3M-style: ``SOH``, the payload length as two bytes big-endian, then the payload.

Noise between frames is skipped silently; a partial frame is dropped when no byte has
arrived for ``timeout`` seconds (reported as ``Rejected("timeout")``). Nothing here
raises on any input: ``feed`` returns ``Zone`` and ``Rejected`` items only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from devices.scanner.errors import UnknownFramingError

FRAMINGS = ("cr", "crlf", "stx-etx", "stx-etx-bcc", "soh-length")
STX, ETX, SOH, CR, LF = 0x02, 0x03, 0x01, 0x0D, 0x0A
MAX_PAYLOAD = 512
PARTIAL_LINE_REPORTED = 10
LINES_FOR_LENGTH = {30: 3, 36: 2, 44: 2}
MRZ_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")

REJECT_BCC = "bcc"
REJECT_NOT_A_ZONE = "not_a_zone"
REJECT_TIMEOUT = "timeout"
REJECT_OVERFLOW = "overflow"


@dataclass(frozen=True, slots=True)
class Zone:
    """A complete machine-readable zone as the scanner sent it (lines, no line ends)."""

    lines: tuple[str, ...] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A frame that arrived but cannot be a zone; ``reason`` is one of ``REJECT_*``."""

    reason: str


FramerOutput = Zone | Rejected


class Framer(Protocol):
    def feed(self, data: bytes, now: float) -> list[FramerOutput]: ...

    def expire(self, now: float) -> list[FramerOutput]: ...


def is_mrz_line(line: bytes) -> bool:
    return len(line) in LINES_FOR_LENGTH and MRZ_BYTES.issuperset(line)


def block_check(payload: bytes) -> int:
    """The BCC of an ``stx-etx-bcc`` frame: the XOR of the payload bytes and ETX."""
    value = ETX
    for byte in payload:
        value ^= byte
    return value


def zone_from_payload(payload: bytes) -> FramerOutput:
    """A framed payload (zone lines separated by CR and/or LF) as a ``Zone``."""
    lines = [line.strip(b" \t") for line in payload.replace(b"\r", b"\n").split(b"\n")]
    lines = [line for line in lines if line]
    if not lines or not all(is_mrz_line(line) for line in lines):
        return Rejected(REJECT_NOT_A_ZONE)
    length = len(lines[0])
    if len(lines) != LINES_FOR_LENGTH[length] or any(len(line) != length for line in lines):
        return Rejected(REJECT_NOT_A_ZONE)
    return Zone(tuple(line.decode("ascii") for line in lines))


class LineFramer:
    """``cr`` and ``crlf``: zone lines ended by CR or LF, grouped by their length."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._line = bytearray()
        self._pending: list[bytes] = []
        self._last = 0.0

    def _timed_out(self, now: float) -> list[FramerOutput]:
        if now - self._last <= self.timeout:
            return []
        # A run of MRZ characters this long is a scan cut short, not line noise.
        had_zone_part = bool(self._pending) or len(self._line) >= PARTIAL_LINE_REPORTED
        self._line.clear()
        self._pending.clear()
        return [Rejected(REJECT_TIMEOUT)] if had_zone_part else []

    def expire(self, now: float) -> list[FramerOutput]:
        if not (self._line or self._pending):
            return []
        return self._timed_out(now)

    def _end_line(self) -> list[FramerOutput]:
        line = bytes(self._line)
        self._line.clear()
        if not line:
            return []
        if len(line) > 44:
            # Noise glued in front of a line: keep the tail that fits the zone under way.
            want = len(self._pending[0]) if self._pending else 44
            line = line[-want:]
        if not is_mrz_line(line):
            if self._pending:
                self._pending.clear()
                return [Rejected(REJECT_NOT_A_ZONE)]
            return []
        if self._pending and len(self._pending[0]) != len(line):
            self._pending.clear()  # a new zone of another format starts: drop the old part
        self._pending.append(line)
        if len(self._pending) == LINES_FOR_LENGTH[len(line)]:
            zone = Zone(tuple(part.decode("ascii") for part in self._pending))
            self._pending.clear()
            return [zone]
        return []

    def feed(self, data: bytes, now: float) -> list[FramerOutput]:
        out = self.expire(now)
        if data:
            self._last = now
        for byte in data:
            if byte in (CR, LF):
                out.extend(self._end_line())
            elif byte in MRZ_BYTES:
                if len(self._line) < MAX_PAYLOAD:
                    self._line.append(byte)
            elif byte not in (0x20, 0x09):
                self._line.clear()  # noise byte: whatever came before it is not a line
        return out


class StxEtxFramer:
    """``STX payload ETX [BCC]``."""

    def __init__(self, timeout: float, *, bcc: bool) -> None:
        self.timeout = timeout
        self.bcc = bcc
        self._inside = False
        self._awaiting_bcc = False
        self._payload = bytearray()
        self._last = 0.0

    def _drop(self) -> None:
        self._inside = False
        self._awaiting_bcc = False
        self._payload.clear()

    def expire(self, now: float) -> list[FramerOutput]:
        if self._inside and now - self._last > self.timeout:
            self._drop()
            return [Rejected(REJECT_TIMEOUT)]
        return []

    def feed(self, data: bytes, now: float) -> list[FramerOutput]:
        out = self.expire(now)
        if data:
            self._last = now
        for byte in data:
            if self._awaiting_bcc:
                payload = bytes(self._payload)
                self._drop()
                out.append(
                    zone_from_payload(payload)
                    if byte == block_check(payload)
                    else Rejected(REJECT_BCC)
                )
            elif not self._inside:
                if byte == STX:
                    self._inside = True
            elif byte == ETX:
                if self.bcc:
                    self._awaiting_bcc = True
                else:
                    payload = bytes(self._payload)
                    self._drop()
                    out.append(zone_from_payload(payload))
            elif byte == STX:
                self._payload.clear()  # a new frame starts: the old one was partial
                out.append(Rejected(REJECT_TIMEOUT))
            elif len(self._payload) >= MAX_PAYLOAD:
                self._drop()
                out.append(Rejected(REJECT_OVERFLOW))
            else:
                self._payload.append(byte)
        return out


class SohLengthFramer:
    """``SOH len_hi len_lo payload`` (3M-style length-prefixed frames)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._header = bytearray()  # SOH and the length bytes received so far
        self._need = 0
        self._payload = bytearray()
        self._last = 0.0

    def _drop(self) -> None:
        self._header.clear()
        self._payload.clear()
        self._need = 0

    def expire(self, now: float) -> list[FramerOutput]:
        if self._header and now - self._last > self.timeout:
            self._drop()
            return [Rejected(REJECT_TIMEOUT)]
        return []

    def feed(self, data: bytes, now: float) -> list[FramerOutput]:
        out = self.expire(now)
        if data:
            self._last = now
        for byte in data:
            if not self._header:
                if byte == SOH:
                    self._header.append(byte)
            elif len(self._header) < 3:
                self._header.append(byte)
                if len(self._header) == 3:
                    self._need = (self._header[1] << 8) | self._header[2]
                    if not 0 < self._need <= MAX_PAYLOAD:
                        self._drop()  # not a frame header after all: noise
            else:
                self._payload.append(byte)
                if len(self._payload) == self._need:
                    payload = bytes(self._payload)
                    self._drop()
                    out.append(zone_from_payload(payload))
        return out


def make_framer(framing: str, timeout: float) -> LineFramer | StxEtxFramer | SohLengthFramer:
    """The framer for a configured framing name; ``timeout`` in seconds."""
    if framing in ("cr", "crlf"):
        return LineFramer(timeout)
    if framing == "stx-etx":
        return StxEtxFramer(timeout, bcc=False)
    if framing == "stx-etx-bcc":
        return StxEtxFramer(timeout, bcc=True)
    if framing == "soh-length":
        return SohLengthFramer(timeout)
    raise UnknownFramingError(framing=framing[:40])


def encode(framing: str, lines: Sequence[str]) -> bytes:
    """The bytes a scanner with ``framing`` sends for one zone (virtual scanner, tests)."""
    raw = [line.encode("ascii") for line in lines]
    if framing == "cr":
        return b"".join(line + b"\r" for line in raw)
    if framing == "crlf":
        return b"".join(line + b"\r\n" for line in raw)
    payload = b"\r".join(raw)
    if framing in ("stx-etx", "stx-etx-bcc"):
        frame = bytes([STX]) + payload + bytes([ETX])
        if framing == "stx-etx-bcc":
            frame += bytes([block_check(payload)])
        return frame
    if framing == "soh-length":
        return bytes([SOH, len(payload) >> 8, len(payload) & 0xFF]) + payload
    raise UnknownFramingError(framing=framing[:40])

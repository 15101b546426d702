"""A virtual PIV card: command APDU bytes in, response APDU bytes out, on real keys.

Faithful enough for standard PIV middleware (OpenSC): SELECT answers the application
property template, long responses go out in 256-byte pieces with ``61xx`` / GET RESPONSE,
command chaining is accepted, VERIFY with no data is a status query, power-off / reset
clears the selection and the PIN state. PIN tries 3 (R6), PUK tries 10 then blocked for
good. ``faults`` forces a status word per instruction (tests of odd cards), with
``fault_data`` before it: ``hostile_get_response()`` makes a card that answers GET RESPONSE
with more data (``61 00``) for ever.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa, utils

from devices.card.apdu import (
    INS_CHANGE_REFERENCE,
    INS_GENERAL_AUTHENTICATE,
    INS_GET_DATA,
    INS_GET_RESPONSE,
    INS_RESET_RETRY,
    INS_SELECT,
    INS_VERIFY,
    SW_AUTH_BLOCKED,
    SW_CLA_NOT_SUPPORTED,
    SW_CONDITIONS,
    SW_INCORRECT_P1P2,
    SW_INS_NOT_SUPPORTED,
    SW_NOT_FOUND,
    SW_OK,
    SW_REF_NOT_FOUND,
    SW_SECURITY_STATUS,
    SW_WRONG_DATA,
    SW_WRONG_LENGTH,
    iter_tlv,
    parse_tlv,
    tlv,
)
from devices.card.errors import CardError, CardRemovedError
from devices.card.piv import ALG_ECC_P256, ALG_RSA_2048, KEY_PIN, KEY_PUK, PIV_AID_SHORT

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

# Historical bytes carry the PIV AID (COMPACT-TLV tag F, 9 bytes): a plain PIV card.
_HISTORICAL = bytes.fromhex("80F9A00000030800001000")


def _atr() -> bytes:
    body = bytes((0x80 | len(_HISTORICAL), 0x80, 0x01)) + _HISTORICAL
    tck = 0
    for byte in body:
        tck ^= byte
    return b"\x3b" + body + bytes((tck,))


DEFAULT_ATR = _atr()

# Application property template: PIX of the PIV application and its authority.
APPLICATION_TEMPLATE = tlv(
    0x61, tlv(0x4F, bytes.fromhex("000010000100")) + tlv(0x79, tlv(0x4F, PIV_AID_SHORT[:5]))
)

VALID_SLOTS = (0x9A, 0x9C, 0x9D, 0x9E)
PIN_ALWAYS_SLOTS = (0x9C,)
NO_PIN_SLOTS = (0x9E,)


def _sw(sw: int, data: bytes = b"") -> bytes:
    return data + bytes((sw >> 8, sw & 0xFF))


def _valid_code(padded: bytes, *, minimum: int) -> bool:
    digits = padded.rstrip(b"\xff")
    return len(padded) == 8 and minimum <= len(digits) <= 8 and digits.isdigit()


class VirtualPivCard:
    """The card engine. Thread-safe: a vpcd thread and a test thread may both touch it."""

    def __init__(
        self,
        *,
        objects: Mapping[int, bytes],
        keys: Mapping[int, PrivateKey],
        pin: str,
        puk: str,
        pin_limit: int = 3,
        puk_limit: int = 10,
        piv_applet: bool = True,
        atr: bytes = DEFAULT_ATR,
    ) -> None:
        self.atr = atr
        self._objects = dict(objects)  # object id → contents (without the 53 wrapper)
        self._keys = dict(keys)
        self._pin = pin.encode("ascii").ljust(8, b"\xff")
        self._puk = puk.encode("ascii").ljust(8, b"\xff")
        self.pin_limit = pin_limit
        self.puk_limit = puk_limit
        self._pin_tries = pin_limit
        self._puk_tries = puk_limit
        self.piv_applet = piv_applet
        self.faults: dict[int, int] = {}  # INS → status word to answer instead
        self.fault_data: dict[int, bytes] = {}  # INS → data sent before that status word
        self._lock = threading.RLock()
        self._rsa_cache: dict[int, rsa.RSAPrivateNumbers] = {}
        self.apdu_count = 0
        self.power_off()

    def __repr__(self) -> str:
        return (
            f"VirtualPivCard(slots={sorted(hex(s) for s in self._keys)}, "
            f"pin_tries={self._pin_tries}, puk_tries={self._puk_tries})"
        )

    # -- state -------------------------------------------------------------------------

    def power_off(self) -> None:
        """Power off or reset: selection, PIN state and pending data are gone."""
        with self._lock:
            self._selected = False
            self._pin_verified = False
            self._pending = b""
            self._chain: tuple[int, int, int, bytes] | None = None

    reset = power_off

    def hostile_get_response(self, piece: bytes = bytes(256)) -> None:
        """Answer every GET RESPONSE with ``piece`` and ``61 00`` (256 more bytes to come),
        for ever: a faulty or hostile card. ``faults.clear()`` and ``fault_data.clear()``
        make it an ordinary card again."""
        with self._lock:
            self.faults[INS_GET_RESPONSE] = 0x6100
            self.fault_data[INS_GET_RESPONSE] = piece

    @property
    def pin_tries_left(self) -> int:
        return self._pin_tries

    @property
    def puk_tries_left(self) -> int:
        return self._puk_tries

    # -- dispatch ----------------------------------------------------------------------

    def transmit(self, apdu: bytes) -> bytes:
        with self._lock:
            self.apdu_count += 1
            return self._process(apdu)

    process = transmit

    def _process(self, apdu: bytes) -> bytes:
        if len(apdu) < 4:
            return _sw(SW_WRONG_LENGTH)
        cla, ins, p1, p2 = apdu[0], apdu[1], apdu[2], apdu[3]
        data, le = b"", 0
        if len(apdu) == 5:
            le = apdu[4] or 256
        elif len(apdu) > 5:
            lc = apdu[4]
            if lc == 0 or len(apdu) < 5 + lc:
                return _sw(SW_WRONG_LENGTH)
            data = apdu[5 : 5 + lc]
            if len(apdu) > 5 + lc:
                le = apdu[5 + lc] or 256
        if ins in self.faults:
            return _sw(self.faults[ins], self.fault_data.get(ins, b""))
        if cla & ~0x10 != 0x00:
            return _sw(SW_CLA_NOT_SUPPORTED)
        if ins == INS_GET_RESPONSE:
            return self._get_response(le or 256)
        self._pending = b""
        if cla & 0x10:
            if ins != INS_GENERAL_AUTHENTICATE:
                return _sw(SW_CLA_NOT_SUPPORTED)
            prior = self._chain[3] if self._chain and self._chain[:3] == (ins, p1, p2) else b""
            self._chain = (ins, p1, p2, prior + data)
            return _sw(SW_OK)
        if self._chain is not None:
            if self._chain[:3] == (ins, p1, p2):
                data = self._chain[3] + data
            self._chain = None
        if ins == INS_SELECT:
            return self._select(p1, data)
        if not self._selected:
            return _sw(SW_INS_NOT_SUPPORTED if ins not in _PIV_INS else SW_CONDITIONS)
        if ins == INS_GET_DATA:
            return self._get_data(p1, p2, data, le)
        if ins == INS_VERIFY:
            return self._verify(p1, p2, data)
        if ins == INS_CHANGE_REFERENCE:
            return self._change_reference(p2, data)
        if ins == INS_RESET_RETRY:
            return self._reset_retry(p2, data)
        if ins == INS_GENERAL_AUTHENTICATE:
            return self._general_authenticate(p1, p2, data, le)
        return _sw(SW_INS_NOT_SUPPORTED)

    def _respond(self, payload: bytes, le: int) -> bytes:
        """Send at most ``le`` bytes now, keep the rest for GET RESPONSE (61xx)."""
        size = min(le or 256, 256)
        if len(payload) <= size:
            return _sw(SW_OK, payload)
        head, self._pending = payload[:size], payload[size:]
        return _sw(0x6100 | (len(self._pending) & 0xFF if len(self._pending) < 256 else 0), head)

    def _get_response(self, le: int) -> bytes:
        if not self._pending:
            return _sw(SW_CONDITIONS)
        pending, self._pending = self._pending, b""
        return self._respond(pending, le)

    # -- commands ----------------------------------------------------------------------

    def _select(self, p1: int, data: bytes) -> bytes:
        if p1 != 0x04:
            return _sw(SW_INCORRECT_P1P2)
        if self.piv_applet and len(data) >= 5 and PIV_AID_SHORT.startswith(data[:9]):
            self._selected = True
            return _sw(SW_OK, APPLICATION_TEMPLATE)
        # Other applications: not here; the PIV application stays selected.
        return _sw(SW_NOT_FOUND)

    def _get_data(self, p1: int, p2: int, data: bytes, le: int) -> bytes:
        if (p1, p2) != (0x3F, 0xFF):
            return _sw(SW_INCORRECT_P1P2)
        try:
            fields = parse_tlv(data)
        except CardError:
            return _sw(SW_WRONG_DATA)
        tag = fields.get(0x5C)
        if tag is None or not 1 <= len(tag) <= 3:
            return _sw(SW_WRONG_DATA)
        content = self._objects.get(int.from_bytes(tag, "big"))
        if content is None:
            return _sw(SW_NOT_FOUND)
        return self._respond(tlv(0x53, content), le)

    def _verify(self, p1: int, p2: int, data: bytes) -> bytes:
        if p1 == 0xFF and not data and p2 == KEY_PIN:
            self._pin_verified = False
            return _sw(SW_OK)
        if p2 == KEY_PUK and not data:
            return _sw(self._tries_sw(self._puk_tries))
        if p2 not in (KEY_PIN, 0x00):
            return _sw(SW_REF_NOT_FOUND)
        if not data:
            if self._pin_verified:
                return _sw(SW_OK)
            return _sw(self._tries_sw(self._pin_tries))
        if len(data) != 8:
            return _sw(SW_WRONG_DATA)
        return self._check_pin(data)

    @staticmethod
    def _tries_sw(tries: int) -> int:
        return SW_AUTH_BLOCKED if tries == 0 else 0x63C0 | tries

    def _check_pin(self, candidate: bytes) -> bytes:
        if self._pin_tries == 0:
            return _sw(SW_AUTH_BLOCKED)
        if candidate == self._pin:
            self._pin_tries = self.pin_limit
            self._pin_verified = True
            return _sw(SW_OK)
        self._pin_tries -= 1
        self._pin_verified = False
        return _sw(0x63C0 | self._pin_tries)

    def _check_puk(self, candidate: bytes) -> int:
        if self._puk_tries == 0:
            return SW_AUTH_BLOCKED
        if candidate == self._puk:
            self._puk_tries = self.puk_limit
            return SW_OK
        self._puk_tries -= 1
        return 0x63C0 | self._puk_tries

    def _change_reference(self, p2: int, data: bytes) -> bytes:
        if len(data) != 16:
            return _sw(SW_WRONG_DATA)
        old, new = data[:8], data[8:]
        if p2 == KEY_PIN:
            if not _valid_code(new, minimum=6):
                return _sw(SW_WRONG_DATA)
            answer = self._check_pin(old)
            if answer == _sw(SW_OK):
                self._pin = new
            return answer
        if p2 == KEY_PUK:
            if not _valid_code(new, minimum=8):
                return _sw(SW_WRONG_DATA)
            sw = self._check_puk(old)
            if sw == SW_OK:
                self._puk = new
            return _sw(sw)
        return _sw(SW_REF_NOT_FOUND)

    def _reset_retry(self, p2: int, data: bytes) -> bytes:
        if p2 != KEY_PIN:
            return _sw(SW_REF_NOT_FOUND)
        if len(data) != 16 or not _valid_code(data[8:], minimum=6):
            return _sw(SW_WRONG_DATA)
        sw = self._check_puk(data[:8])
        if sw == SW_OK:
            self._pin = data[8:]
            self._pin_tries = self.pin_limit
            self._pin_verified = False
        return _sw(sw)

    def _general_authenticate(self, algorithm: int, slot: int, data: bytes, le: int) -> bytes:
        key = self._keys.get(slot)
        if slot not in VALID_SLOTS:
            return _sw(SW_INCORRECT_P1P2)
        if key is None:
            return _sw(SW_REF_NOT_FOUND)
        try:
            template = parse_tlv(data)
            inner = template[0x7C]
            fields = {tag: value for tag, value in iter_tlv(inner)}
        except (CardError, KeyError):
            return _sw(SW_WRONG_DATA)
        challenge = fields.get(0x81)
        if challenge is None or 0x82 not in fields:
            return _sw(SW_WRONG_DATA)
        if slot not in NO_PIN_SLOTS and not self._pin_verified:
            return _sw(SW_SECURITY_STATUS)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            if algorithm != ALG_ECC_P256:
                return _sw(SW_INCORRECT_P1P2)
            digest = challenge[:32].rjust(32, b"\x00")
            signature = key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        else:
            if algorithm != ALG_RSA_2048 or len(challenge) != 256:
                return _sw(SW_INCORRECT_P1P2 if algorithm != ALG_RSA_2048 else SW_WRONG_DATA)
            signature = self._rsa_raw(slot, key, challenge)
        if slot in PIN_ALWAYS_SLOTS:
            self._pin_verified = False  # the signing key wants the PIN before every use
        return self._respond(tlv(0x7C, tlv(0x82, signature)), le)

    def _rsa_raw(self, slot: int, key: rsa.RSAPrivateKey, block: bytes) -> bytes:
        numbers = self._rsa_cache.get(slot)
        if numbers is None:
            numbers = self._rsa_cache[slot] = key.private_numbers()
        n = numbers.public_numbers.n
        m = int.from_bytes(block, "big")
        if m >= n:
            return b""
        m1 = pow(m, numbers.dmp1, numbers.p)
        m2 = pow(m, numbers.dmq1, numbers.q)
        h = (numbers.iqmp * (m1 - m2)) % numbers.p
        return (m2 + h * numbers.q).to_bytes(256, "big")


_PIV_INS = {
    INS_GET_DATA,
    INS_VERIFY,
    INS_CHANGE_REFERENCE,
    INS_RESET_RETRY,
    INS_GENERAL_AUTHENTICATE,
}


class InProcessConnection:
    """A ``Connection`` straight to a virtual card (unit tests, the demo). ``remove()``
    makes later exchanges fail as a pulled card does; ``present`` (optional) is asked
    before every exchange."""

    def __init__(self, card: VirtualPivCard, *, present: Callable[[], bool] | None = None) -> None:
        self.card = card
        self._removed = False
        self._present = present

    @property
    def present(self) -> bool:
        return not self._removed and (self._present is None or self._present())

    def transmit(self, apdu: bytes) -> bytes:
        if not self.present:
            raise CardRemovedError()
        return self.card.transmit(apdu)

    def remove(self) -> None:
        self._removed = True
        self.card.power_off()

    def close(self) -> None:
        """Nothing to release."""

"""PIV card session (NIST SP 800-73-4) over any ``Connection``: typed methods, typed errors.

The session never keeps a PIN or a PUK: they are encoded into one APDU and dropped.
"""

from __future__ import annotations

import enum
import functools
import uuid
from dataclasses import dataclass, field
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from devices.card.apdu import (
    INS_CHANGE_REFERENCE,
    INS_GENERAL_AUTHENTICATE,
    INS_GET_DATA,
    INS_GET_RESPONSE,
    INS_RESET_RETRY,
    INS_SELECT,
    INS_VERIFY,
    MAX_SHORT_DATA,
    SW_NOT_FOUND,
    SW_OK,
    SW_REF_NOT_FOUND,
    Apdu,
    Operation,
    chain,
    iter_tlv,
    parse_tlv,
    raise_for_status,
    split_response,
    tlv,
    tries_left,
    unwrap,
)
from devices.card.certs import load_card_certificate
from devices.card.errors import (
    InvalidPinFormatError,
    MalformedResponseError,
    ResponseTooLongError,
)

PIV_AID = bytes.fromhex("A000000308000010000100")
PIV_AID_SHORT = PIV_AID[:9]

OBJECT_CHUID = 0x5FC102
OBJECT_PRINTED_INFO = 0x5FC109
OBJECT_DISCOVERY = 0x7E

KEY_PIN = 0x80
KEY_PUK = 0x81

ALG_RSA_2048 = 0x07
ALG_ECC_P256 = 0x11

# Tags inside the printed-information object (SP 800-73-4 table 13). The product number
# and a reserve card's assurance level are on no chip: they come from the register.
PRINTED_NAME = 0x01
PRINTED_AFFILIATION = 0x02
PRINTED_EXPIRY = 0x04
PRINTED_CARD_SERIAL = 0x05
PRINTED_ISSUER = 0x06

# Bounds on one response chain (a first answer ``61xx``, then GET RESPONSE until ``9000``).
# The largest container SP 800-73-4 defines is the cardholder facial image, 12,704 bytes;
# a certificate object is about 1-2 kB. 64 KiB is five times the facial image, and no
# object the kiosk reads comes near it. A card sends at most 256 bytes per answer, so full
# pieces reach that size in 256 GET RESPONSEs; the count bound is twice that, for cards
# that answer in smaller pieces, and stops a card that answers ``61 00`` with no data.
MAX_RESPONSE_BYTES = 64 * 1024
MAX_GET_RESPONSES = 512

# CHUID tags
CHUID_FASCN = 0x30
CHUID_GUID = 0x34
CHUID_EXPIRY = 0x35


class Slot(enum.IntEnum):
    AUTHENTICATION = 0x9A
    SIGNATURE = 0x9C
    KEY_MANAGEMENT = 0x9D
    CARD_AUTH = 0x9E

    @property
    def object_id(self) -> int:
        return _SLOT_OBJECTS[self]


_SLOT_OBJECTS = {
    Slot.AUTHENTICATION: 0x5FC105,
    Slot.SIGNATURE: 0x5FC10A,
    Slot.KEY_MANAGEMENT: 0x5FC10B,
    Slot.CARD_AUTH: 0x5FC101,
}


class Connection(Protocol):
    """Anything that exchanges APDUs with a card (PC/SC, in-process virtual card, a fake)."""

    def transmit(self, apdu: bytes) -> bytes: ...


@dataclass(frozen=True)
class Chuid:
    guid: uuid.UUID
    fasc_n: bytes
    expiry: str  # YYYYMMDD


@dataclass(frozen=True)
class PrintedInfo:
    card_serial: str | None
    expiry: str | None
    issuer: str | None
    holder_name: str | None = field(default=None, repr=False)


_VERIFY_PIN_HEADER = bytes((0x00, INS_VERIFY, 0x00, KEY_PIN, 0x08))


@functools.cache
def _get_data_command(object_id: int) -> bytes:
    tag = object_id.to_bytes(3 if object_id > 0xFFFF else 1, "big")
    return Apdu(0x00, INS_GET_DATA, 0x3F, 0xFF, tlv(0x5C, tag), 0).encode()


def _unwrap_object(data: bytes) -> bytes:
    """The value of the ``53`` wrapper (fast path for the common length forms)."""
    if len(data) >= 2 and data[0] == 0x53:
        first = data[1]
        if first < 0x80:
            start, length = 2, first
        elif first == 0x81 and len(data) >= 3:
            start, length = 3, data[2]
        elif first == 0x82 and len(data) >= 4:
            start, length = 4, (data[2] << 8) | data[3]
        else:
            return unwrap(data, 0x53)
        if start + length <= len(data):
            return data[start : start + length]
    return unwrap(data, 0x53)


def _pad_code(code: str, *, puk: bool = False) -> bytes:
    if not code.isascii() or not code.isdigit() or not (6 if not puk else 8) <= len(code) <= 8:
        raise InvalidPinFormatError()
    return code.encode("ascii").ljust(8, b"\xff")


def _ascii(value: bytes | None) -> str | None:
    if value is None:
        return None
    return value.decode("utf-8", errors="replace").strip() or None


def _key_algorithm(cert: x509.Certificate) -> int:
    public = cert.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == "secp256r1":
        return ALG_ECC_P256
    if isinstance(public, rsa.RSAPublicKey) and public.key_size == 2048:
        return ALG_RSA_2048
    raise MalformedResponseError(what="unsupported key algorithm in certificate")


# DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1)
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def _pkcs1_v15_block(digest: bytes, size: int = 256) -> bytes:
    info = _SHA256_DIGEST_INFO + digest
    return b"\x00\x01" + b"\xff" * (size - len(info) - 3) + b"\x00" + info


class PivSession:
    """Typed PIV operations. Construct with ``select=True`` (default) to select the applet."""

    def __init__(self, connection: Connection, *, select: bool = True) -> None:
        self._connection = connection
        self._algorithms: dict[Slot, int] = {}
        if select:
            self.select()

    # -- transport ---------------------------------------------------------------------

    def _send(self, apdu: Apdu, operation: Operation = Operation.GENERIC) -> bytes:
        """Send (chaining long data), follow 61xx with GET RESPONSE, raise on bad status."""
        data, sw = self._exchange(apdu)
        raise_for_status(sw, operation)
        return data

    def _exchange(self, apdu: Apdu) -> tuple[bytes, int]:
        if len(apdu.data) > MAX_SHORT_DATA:
            *head, apdu = chain(apdu)
            for piece in head:
                _, sw = split_response(self._connection.transmit(piece.encode()))
                if sw != SW_OK:
                    return b"", sw
        return self._exchange_encoded(apdu.encode())

    def _exchange_encoded(self, command: bytes) -> tuple[bytes, int]:
        """One encoded command; 61xx answers are collected with GET RESPONSE, at most
        ``MAX_GET_RESPONSES`` of them and ``MAX_RESPONSE_BYTES`` in all
        (``ResponseTooLongError`` past either)."""
        transmit = self._connection.transmit
        raw = transmit(command)
        if len(raw) < 2:
            split_response(raw)  # raises MalformedResponseError
        if raw[-2] != 0x61:
            return raw[:-2], (raw[-2] << 8) | raw[-1]
        parts = [raw[:-2]]
        size = len(raw) - 2
        follow_ups = 0
        while raw[-2] == 0x61:
            if follow_ups >= MAX_GET_RESPONSES or size > MAX_RESPONSE_BYTES:
                raise ResponseTooLongError(apdus=follow_ups + 1, size=size)
            raw = transmit(bytes((0x00, INS_GET_RESPONSE, 0x00, 0x00, raw[-1])))
            follow_ups += 1
            if len(raw) < 2:
                split_response(raw)
            size += len(raw) - 2
            parts.append(raw[:-2])
        if size > MAX_RESPONSE_BYTES:
            raise ResponseTooLongError(apdus=follow_ups + 1, size=size)
        return b"".join(parts), (raw[-2] << 8) | raw[-1]

    # -- objects -----------------------------------------------------------------------

    def select(self) -> bytes:
        """SELECT the PIV application; returns its application property template."""
        return self._send(Apdu(0x00, INS_SELECT, 0x04, 0x00, PIV_AID_SHORT, 0), Operation.SELECT)

    def get_object(self, object_id: int) -> bytes | None:
        """The contents of data object ``object_id`` (inside its 53 wrapper); None if absent."""
        data, sw = self._exchange_encoded(_get_data_command(object_id))
        if sw != SW_OK:
            if sw in (SW_NOT_FOUND, SW_REF_NOT_FOUND):
                return None
            raise_for_status(sw)
        if not data:
            return None
        return _unwrap_object(data)

    def read_chuid(self) -> Chuid | None:
        data = self.get_object(OBJECT_CHUID)
        if data is None:
            return None
        fields = parse_tlv(data)
        guid = fields.get(CHUID_GUID, b"")
        if len(guid) != 16:
            raise MalformedResponseError(what="CHUID without a 16-byte GUID")
        return Chuid(
            guid=uuid.UUID(bytes=guid),
            fasc_n=fields.get(CHUID_FASCN, b""),
            expiry=_ascii(fields.get(CHUID_EXPIRY)) or "",
        )

    def read_printed_info(self) -> PrintedInfo | None:
        data = self.get_object(OBJECT_PRINTED_INFO)
        if data is None:
            return None
        fields = parse_tlv(data)
        return PrintedInfo(
            card_serial=_ascii(fields.get(PRINTED_CARD_SERIAL)),
            expiry=_ascii(fields.get(PRINTED_EXPIRY)),
            issuer=_ascii(fields.get(PRINTED_ISSUER)),
            holder_name=_ascii(fields.get(PRINTED_NAME)),
        )

    def read_certificate(self, slot: Slot) -> x509.Certificate | None:
        """The certificate in ``slot``; None when the slot is empty (e.g. no 9C, R5)."""
        data = self.get_object(slot.object_id)
        if data is None:
            return None
        fields = parse_tlv(data)
        der = fields.get(0x70)
        if not der:
            return None
        if fields.get(0x71, b"\x00")[:1] not in (b"\x00", b""):
            raise MalformedResponseError(what="compressed certificate")
        cert = load_card_certificate(der)
        self._algorithms[slot] = _key_algorithm(cert)
        return cert

    def read_certificates(self) -> dict[Slot, x509.Certificate | None]:
        return {slot: self.read_certificate(slot) for slot in Slot}

    # -- PIN and PUK -------------------------------------------------------------------

    def pin_retries(self) -> int | None:
        """PIN tries left; None when the PIN is already verified in this session; 0 = locked."""
        _, sw = self._exchange(Apdu(0x00, INS_VERIFY, 0x00, KEY_PIN))
        if sw == SW_OK:
            return None
        tries = tries_left(sw)
        if tries is None:
            raise_for_status(sw)
        return tries

    def puk_retries(self) -> int | None:
        """PUK tries left, if the card answers a status query on the PUK reference (0x81).

        Standard PIV has no such query; cards that lack it give None.
        """
        _, sw = self._exchange(Apdu(0x00, INS_VERIFY, 0x00, KEY_PUK))
        return tries_left(sw)

    def verify_pin(self, pin: str) -> None:
        """VERIFY the PIN. Raises ``WrongPinError`` (with the tries left) or ``PinLockedError``."""
        _, sw = self._exchange_encoded(_VERIFY_PIN_HEADER + _pad_code(pin))
        if sw != SW_OK:
            raise_for_status(sw, Operation.VERIFY_PIN)

    def change_pin(self, old_pin: str, new_pin: str) -> None:
        """CHANGE REFERENCE DATA (R8): needs the current PIN."""
        data = _pad_code(old_pin) + _pad_code(new_pin)
        self._send(Apdu(0x00, INS_CHANGE_REFERENCE, 0x00, KEY_PIN, data), Operation.CHANGE_PIN)

    def unblock_with_puk(self, puk: str, new_pin: str) -> None:
        """RESET RETRY COUNTER (R7): PUK and a new PIN. Raises ``WrongPukError`` /
        ``PukBlockedError``."""
        data = _pad_code(puk, puk=True) + _pad_code(new_pin)
        self._send(Apdu(0x00, INS_RESET_RETRY, 0x00, KEY_PIN, data), Operation.UNBLOCK)

    # -- signatures --------------------------------------------------------------------

    def _algorithm(self, slot: Slot) -> int:
        if slot not in self._algorithms and self.read_certificate(slot) is None:
            raise MalformedResponseError(what=f"no certificate in slot {slot.value:02X}")
        return self._algorithms[slot]

    def _general_authenticate(self, slot: Slot, digest: bytes) -> bytes:
        algorithm = self._algorithm(slot)
        payload = digest if algorithm == ALG_ECC_P256 else _pkcs1_v15_block(digest)
        template = tlv(0x7C, tlv(0x82, b"") + tlv(0x81, payload))
        data = self._send(
            Apdu(0x00, INS_GENERAL_AUTHENTICATE, algorithm, slot.value, template, 0),
            Operation.SIGN,
        )
        inner = unwrap(data, 0x7C)
        for tag, value in iter_tlv(inner):
            if tag == 0x82:
                return value
        raise MalformedResponseError(what="GENERAL AUTHENTICATE without a signature")

    def sign_prehashed(self, slot: Slot, digest: bytes) -> bytes:
        """Sign a SHA-256 ``digest`` with the key in ``slot`` (ECDSA DER or PKCS#1 v1.5);
        the 9C key needs a fresh VERIFY. Verifies with the slot certificate's public key."""
        if len(digest) != 32:
            raise ValueError("a signature takes a 32-byte SHA-256 digest")
        return self._general_authenticate(slot, digest)

    def sign_challenge(self, challenge: bytes) -> bytes:
        """Sign ``challenge`` with the 9A key (SHA-256; ECDSA DER or PKCS#1 v1.5).

        The result verifies with the 9A certificate's public key.
        """
        digest = hashes.Hash(hashes.SHA256())
        digest.update(challenge)
        return self._general_authenticate(Slot.AUTHENTICATION, digest.finalize())

    def sign_digest(self, digest: bytes) -> bytes:
        """Sign a SHA-256 ``digest`` with the 9C (signing) key; needs a fresh VERIFY."""
        if len(digest) != 32:
            raise ValueError("sign_digest takes a 32-byte SHA-256 digest")
        return self._general_authenticate(Slot.SIGNATURE, digest)

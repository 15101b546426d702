"""The central's own field encryption: personal data is encrypted at rest there too.

The central holds holders' personnummer and names (and the block events that carry
them for the outage routine). Its key file (``kiosk central --field-key FILE``,
created with mode 0600 when missing, never stored in the database) holds 64 random
bytes as hex: a 32-byte AES-256-GCM key for the fields and a 32-byte HMAC-SHA256 key
for the blind index (exact lookup by personnummer).

Layout of a sealed value: 12-byte random nonce || ciphertext || 16-byte tag. The
associated data binds it to its row: ``central_holder:<holder_id>``,
``central_card:<serial>``, ``central_order:<order_id>``, ``central_operator:<hsa_id>``
(the roster's operator names); a stored event's payload uses
its event id (as the kiosk's journal does). A ciphertext copied to another row does
not open.

Which fields stay in clear: only the keys in :data:`CLEAR_FIELDS` - identifiers (serials,
holder ids, HSA-ids, offices), dates, states and codes the central works with - and only
with a scalar value. Every other field is sealed, also one no one has thought of yet (a
new payload field with a personal value is never stored in clear), and every nested
object or list.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 64
NONCE_BYTES = 12
INDEX_BYTES = 16

# The fields that may be stored in clear (an allow-list: everything else is sealed).
CLEAR_FIELDS = frozenset(
    {
        # identifiers: cards, holders (not their names), staff, offices, orders
        "serial",
        "card_serial",
        "replaces",
        "replaced_by",
        "replaced_by_serial",
        "holder_id",
        "hsa_id",
        "office_id",
        "photo_office_id",
        "product_number",
        "order_id",
        "organisation",
        # dates
        "photo_date",
        "order_date",
        "since",
        "due",
        # states and codes
        "state",
        "order",
        "kind",
        "path",
        "shipment_method",
        "with_photo",
        "new_photo",
        "sis_marked",
        "assurance_level",
        "is_reserve",
        "has_signing_cert",
        "holder_chosen_code",
        "new_pin_verified",
        "blocked_reason",
        # card orders: codes and digests, no personal value
        "card_kind",
        "delivery",
        "photo_digest",
        "replaces_order",
        "rek_id",
    }
)


class CentralKeyFileError(ValueError):
    """The key file cannot be used (wrong length, not hex, readable by others)."""


def holder_aad(holder_id: str) -> bytes:
    return f"central_holder:{holder_id}".encode()


def card_aad(serial: str) -> bytes:
    return f"central_card:{serial}".encode()


def order_aad(order_id: str) -> bytes:
    return f"central_order:{order_id}".encode()


def operator_aad(hsa_id: str) -> bytes:
    return f"central_operator:{hsa_id}".encode()


def photo_aad(digest: str) -> bytes:
    return f"central_photo:{digest}".encode()


def event_aad(event_id: str) -> bytes:
    return event_id.encode()


def may_be_clear(key: str, value: Any) -> bool:
    """Whether ``key`` with ``value`` may be stored in clear (:data:`CLEAR_FIELDS`)."""
    return key in CLEAR_FIELDS and (value is None or isinstance(value, str | int | float | bool))


def load_or_create_key(path: str | Path, *, size: int = KEY_BYTES) -> bytes:
    """The central's ``size`` key bytes from ``path``; a new random key (mode 0600) when
    the file does not exist. A key file that group or others may read is refused."""
    key_path = Path(path)
    try:
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = key_path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise CentralKeyFileError("the key file may be read by others (chmod 600)") from None
        try:
            key = bytes.fromhex(key_path.read_text(encoding="ascii").strip())
        except (UnicodeDecodeError, ValueError):
            raise CentralKeyFileError("the key file does not hold hex digits") from None
        if len(key) != size:
            raise CentralKeyFileError(f"the key file must hold {size} bytes") from None
        return key
    key = os.urandom(size)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key


class CentralCipher:
    """Seals personal fields and computes blind indexes with the central's key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"the central field key has {KEY_BYTES} bytes")
        self._aead = AESGCM(key[:32])
        self._index = hmac.new(key[32:], digestmod=hashlib.sha256)

    @classmethod
    def generate(cls) -> CentralCipher:
        return cls(os.urandom(KEY_BYTES))

    @classmethod
    def from_file(cls, path: str | Path) -> CentralCipher:
        return cls(load_or_create_key(path))

    def __repr__(self) -> str:
        return "CentralCipher(<secret>)"

    def seal(self, data: bytes, aad: bytes, nonce: bytes | None = None) -> bytes:
        """AES-GCM under a fresh random nonce; ``nonce``: one the caller drew from the
        system's random source (a bulk path draws a batch's nonces in one read). A
        nonce is never used twice."""
        if nonce is None:
            nonce = os.urandom(NONCE_BYTES)
        elif len(nonce) != NONCE_BYTES:
            raise ValueError("an AES-GCM nonce has 12 bytes")
        return nonce + self._aead.encrypt(nonce, data, aad)

    def open(self, blob: bytes, aad: bytes) -> bytes:
        try:
            return self._aead.decrypt(bytes(blob[:NONCE_BYTES]), bytes(blob[NONCE_BYTES:]), aad)
        except (InvalidTag, ValueError):
            raise ValueError("a sealed central field does not open (wrong key or row)") from None

    def seal_json(self, value: Any, aad: bytes) -> bytes:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return self.seal(text.encode("utf-8"), aad)

    def open_json(self, blob: bytes, aad: bytes) -> Any:
        return json.loads(self.open(blob, aad))

    def personnummer_index(self, personnummer: str) -> bytes:
        """Blind index of a personnummer (digits only: 12-digit form expected)."""
        digits = "".join(ch for ch in personnummer if ch.isdigit())
        mac = self._index.copy()
        mac.update(("pnr:" + digits).encode("ascii"))
        return mac.digest()[:INDEX_BYTES]

    def split(
        self, data: Mapping[str, Any], aad: bytes
    ) -> tuple[dict[str, Any], bytes | None, bytes | None]:
        """``data`` as (clear part, sealed part or None, personnummer index or None):
        the fields :func:`may_be_clear` allows in clear, everything else sealed. The two
        parts share no key."""
        clear: dict[str, Any] = {}
        personal: dict[str, Any] = {}
        for key, value in data.items():
            (clear if may_be_clear(key, value) else personal)[key] = value
        pnr = personal.get("personnummer")
        index = self.personnummer_index(pnr) if isinstance(pnr, str) and pnr else None
        return clear, (self.seal_json(personal, aad) if personal else None), index

    def join(self, clear: Mapping[str, Any], sealed: bytes | None, aad: bytes) -> dict[str, Any]:
        """The whole ``data`` back from :meth:`split`'s parts."""
        data = dict(clear)
        if sealed is not None:
            data.update(self.open_json(sealed, aad))
        return data

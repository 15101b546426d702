"""Field encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).

Ciphertext layout: 12-byte random nonce || ciphertext || 16-byte tag. The ``aad``
binds a value to its place (for example the holder id and column), so a ciphertext
copied into another row does not decrypt. Blind indexes are HMAC-SHA256 truncated to
16 bytes over already-normalised values; callers normalise (personnummer: 12 digits
without separator, validated in ``kiosk``; names: :func:`normalise_name`).
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from store.errors import DecryptionFailedError
from store.keys import KioskKeys

NONCE_BYTES = 12
INDEX_BYTES = 16


def normalise_name(name: str) -> str:
    """Case-folded, whitespace collapsed: the form a name's blind index is taken of."""
    return " ".join(name.casefold().split())


class FieldCipher:
    """Encrypts personal fields and computes blind indexes with the kiosk's keys."""

    def __init__(self, keys: KioskKeys) -> None:
        self._aead = AESGCM(keys.field_key)
        self._index = hmac.new(keys.index_key, digestmod=hashlib.sha256)

    def __repr__(self) -> str:
        return "FieldCipher(<secret>)"

    def encrypt(self, text: str, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, text.encode("utf-8"), aad)

    def encrypt_with_nonce(self, nonce: bytes, text: str, aad: bytes) -> bytes:
        """For bulk paths that draw many random nonces at once; never reuse a nonce."""
        return nonce + self._aead.encrypt(nonce, text.encode("utf-8"), aad)

    def encrypt_bytes(self, data: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data, aad)

    def decrypt(self, blob: bytes, aad: bytes) -> str:
        return self.decrypt_bytes(blob, aad).decode("utf-8")

    def decrypt_bytes(self, blob: bytes, aad: bytes) -> bytes:
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
        except (InvalidTag, ValueError):
            raise DecryptionFailedError() from None

    def blind_index(self, value: str) -> bytes:
        """HMAC-SHA256 of an already-normalised value, truncated to 16 bytes."""
        mac = self._index.copy()
        mac.update(value.encode("utf-8"))
        return mac.digest()[:INDEX_BYTES]

    def name_index(self, name: str) -> bytes:
        return self.blind_index("name:" + normalise_name(name))

    def personnummer_index(self, personnummer: str) -> bytes:
        """Blind index of a normalised personnummer (12 digits, no separator)."""
        return self.blind_index("pnr:" + personnummer)

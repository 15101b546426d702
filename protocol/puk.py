"""PUK cache entries in transit: sealed under the office's PUK key at the central.

The central never holds a PUK in clear. An entry is AES-256-GCM under the office key
(32 bytes, configured at the central and at that office's kiosks), nonce || ciphertext
|| tag in hex, with ``central-puk:<serial>`` as associated data so an entry cannot be
moved to another card. The central stores entries it was given sealed; a kiosk opens
them on pull and keeps the PUK under its own key. Only 7xx cards have entries (R7).
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


def _aad(serial: str) -> bytes:
    return f"central-puk:{serial}".encode()


def seal_puk(office_key: bytes, serial: str, puk: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    return (nonce + AESGCM(office_key).encrypt(nonce, puk.encode("utf-8"), _aad(serial))).hex()


def open_puk(office_key: bytes, serial: str, sealed_hex: str) -> str:
    """The PUK; ``ValueError`` when the entry is not sealed under this key for this card."""
    try:
        blob = bytes.fromhex(sealed_hex)
        clear = AESGCM(office_key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad(serial))
    except (InvalidTag, ValueError):
        raise ValueError("PUK entry does not open with the office key") from None
    return clear.decode("utf-8")

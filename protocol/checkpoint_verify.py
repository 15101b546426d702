"""Checking a central checkpoint's signature with the central's public key alone.

A checkpoint says which head (seq and hash) the central holds of a kiosk's chain, at a
time from the central's clock, signed with the central's Ed25519 checkpoint key. Signed
bytes: the canonical JSON (``protocol.event_format.canonical_json``) of
``{"type": "central.checkpoint", "version": 1, "kiosk_id", "head_seq", "head_hash",
"issued_at"}``. This module only verifies (the bundle verifier and the audit use it); it
takes plain fields so that it stands beside any checkpoint type that carries them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from protocol.event_format import MAX_SEQ, canonical_json

CHECKPOINT_TYPE = "central.checkpoint"
CHECKPOINT_VERSION = 1


def checkpoint_signed_bytes(
    *, kiosk_id: str, head_seq: int, head_hash: str, issued_at: str
) -> bytes:
    """The bytes the central signs for a checkpoint."""
    return canonical_json(
        {
            "type": CHECKPOINT_TYPE,
            "version": CHECKPOINT_VERSION,
            "kiosk_id": kiosk_id,
            "head_seq": head_seq,
            "head_hash": head_hash,
            "issued_at": issued_at,
        }
    )


def checkpoint_signature_ok(
    central_public_key: bytes,
    *,
    kiosk_id: str,
    head_seq: int,
    head_hash: str,
    issued_at: str,
    signature: str,
) -> bool:
    """True when ``central_public_key`` signed this checkpoint."""
    try:
        public = Ed25519PublicKey.from_public_bytes(central_public_key)
        message = checkpoint_signed_bytes(
            kiosk_id=kiosk_id, head_seq=head_seq, head_hash=head_hash, issued_at=issued_at
        )
        public.verify(bytes.fromhex(signature), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class CheckpointFields:
    """The fields of one checkpoint as a bundle carries them."""

    kiosk_id: str
    head_seq: int
    head_hash: str
    issued_at: str
    signature: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": CHECKPOINT_TYPE,
            "version": CHECKPOINT_VERSION,
            "kiosk_id": self.kiosk_id,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "issued_at": self.issued_at,
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckpointFields:
        """``ValueError`` unless the fields have their types."""
        seq = data.get("head_seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq <= MAX_SEQ:
            raise ValueError("a checkpoint's head_seq is not a sequence number")
        texts = [data.get(name) for name in ("kiosk_id", "head_hash", "issued_at", "signature")]
        if not all(isinstance(text, str) for text in texts):
            raise ValueError("a checkpoint lacks a field")
        return cls(str(texts[0]), seq, str(texts[1]), str(texts[2]), str(texts[3]))

    def signature_ok(self, central_public_key: bytes) -> bool:
        return checkpoint_signature_ok(
            central_public_key,
            kiosk_id=self.kiosk_id,
            head_seq=self.head_seq,
            head_hash=self.head_hash,
            issued_at=self.issued_at,
            signature=self.signature,
        )

"""Checking a central checkpoint's signature with the central's public key alone.

A checkpoint says which head (seq and hash) the central holds of a kiosk's chain, at a
time from the central's clock, signed with the central's Ed25519 checkpoint key. Signed
bytes: the canonical JSON (``protocol.event_format.canonical_json``) of
``{"type": "central.checkpoint", "version": 2, "kiosk_id", "kiosk_key", "head_seq",
"head_hash", "issued_at"}``. Version 2 binds the kiosk's public key as the central
registered it (hex), so a history re-signed with another key fails against the
checkpoint even where nobody gives the kiosk's key (:func:`kiosk_key_problem`, the one
check the kiosk, the audit and the bundle verifier share). Version 1, without
``kiosk_key``, still verifies: checkpoints kept before the change.
This module only verifies (the bundle verifier and the audit use it); it takes plain
fields so that it stands beside any checkpoint type that carries them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from protocol.event_format import MAX_SEQ, canonical_json

CHECKPOINT_TYPE = "central.checkpoint"
CHECKPOINT_VERSION = 2  # version 1: without kiosk_key
_HEX64 = re.compile(r"[0-9a-f]{64}")


def checkpoint_signed_bytes(
    *, kiosk_id: str, head_seq: int, head_hash: str, issued_at: str, kiosk_key: str | None
) -> bytes:
    """The bytes the central signs for a checkpoint (version 1 when ``kiosk_key`` is None)."""
    fields: dict[str, Any] = {
        "type": CHECKPOINT_TYPE,
        "version": 1 if kiosk_key is None else CHECKPOINT_VERSION,
        "kiosk_id": kiosk_id,
        "head_seq": head_seq,
        "head_hash": head_hash,
        "issued_at": issued_at,
    }
    if kiosk_key is not None:
        fields["kiosk_key"] = kiosk_key
    return canonical_json(fields)


def kiosk_key_problem(checkpoint_kiosk_key: str | None, kiosk_public_key: bytes) -> bool:
    """True when a checkpoint names another kiosk key than the one the events are signed
    with: the history was re-signed (or the key replaced). A version 1 checkpoint names
    none and cannot tell."""
    return checkpoint_kiosk_key is not None and checkpoint_kiosk_key != kiosk_public_key.hex()


def checkpoint_signature_ok(
    central_public_key: bytes,
    *,
    kiosk_id: str,
    head_seq: int,
    head_hash: str,
    issued_at: str,
    signature: str,
    kiosk_key: str | None,
) -> bool:
    """True when ``central_public_key`` signed this checkpoint."""
    try:
        public = Ed25519PublicKey.from_public_bytes(central_public_key)
        message = checkpoint_signed_bytes(
            kiosk_id=kiosk_id,
            head_seq=head_seq,
            head_hash=head_hash,
            issued_at=issued_at,
            kiosk_key=kiosk_key,
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
    kiosk_key: str | None = None  # version 1: none

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": CHECKPOINT_TYPE,
            "version": 1 if self.kiosk_key is None else CHECKPOINT_VERSION,
            "kiosk_id": self.kiosk_id,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "issued_at": self.issued_at,
            "signature": self.signature,
        }
        if self.kiosk_key is not None:
            data["kiosk_key"] = self.kiosk_key
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckpointFields:
        """``ValueError`` unless the fields have their types."""
        seq = data.get("head_seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq <= MAX_SEQ:
            raise ValueError("a checkpoint's head_seq is not a sequence number")
        texts = [data.get(name) for name in ("kiosk_id", "head_hash", "issued_at", "signature")]
        if not all(isinstance(text, str) for text in texts):
            raise ValueError("a checkpoint lacks a field")
        version, kiosk_key = data.get("version", 1), data.get("kiosk_key")
        if version == CHECKPOINT_VERSION:
            if not isinstance(kiosk_key, str) or not _HEX64.fullmatch(kiosk_key):
                raise ValueError("a checkpoint's kiosk_key is not a public key")
        elif version != 1 or kiosk_key is not None:
            raise ValueError("a checkpoint has an unknown version")
        return cls(str(texts[0]), seq, str(texts[1]), str(texts[2]), str(texts[3]), kiosk_key)

    def signature_ok(self, central_public_key: bytes) -> bool:
        return checkpoint_signature_ok(
            central_public_key,
            kiosk_id=self.kiosk_id,
            head_seq=self.head_seq,
            head_hash=self.head_hash,
            issued_at=self.issued_at,
            signature=self.signature,
            kiosk_key=self.kiosk_key,
        )

"""The central's signed checkpoint of a kiosk's chain: its wire form and its signature.

The central answers every accepted push (and every head query) with a checkpoint: the
kiosk id, the head sequence number and head hash of the kiosk's chain as the central
holds it, and the time from the central's clock, signed with the central's own Ed25519
checkpoint key. A kiosk keeps the latest and pins the central's key at its first
contact; a journal behind its checkpoint, or different from it at the checkpoint's seq,
has been rolled back, cut or rewritten.

Signed bytes: ``protocol.checkpoint_verify.checkpoint_signed_bytes``, the canonical JSON
of ``{"type": "central.checkpoint", "version": 2, "kiosk_id", "kiosk_key", "head_seq",
"head_hash", "issued_at"}`` (one function for signing and verifying, here and in
bundles); ``kiosk_key`` is the kiosk's public key as the central registered it, so a
journal re-signed with another key fails against its checkpoint (version 1, kept before
the change, has none);
``signature`` is the Ed25519 signature over them (hex), ``central_key``
the signer's public key (hex), so a kiosk can tell another key from a bad signature.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from protocol.checkpoint_verify import (
    CHECKPOINT_TYPE,
    CHECKPOINT_VERSION,
    CheckpointFields,
    checkpoint_signed_bytes,
)
from protocol.event_format import MAX_SEQ, format_timestamp, parse_timestamp
from protocol.strict_json import INT64_MAX
from protocol.wire import ErrorCode, WireFormatError, int_param, kiosk_id_field

MAX_EVENTS_PAGE = 5000
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")
_FIELDS_V1 = frozenset(
    {
        "type",
        "version",
        "kiosk_id",
        "head_seq",
        "head_hash",
        "issued_at",
        "central_key",
        "signature",
    }
)
_FIELDS = _FIELDS_V1 | {"kiosk_key"}


class CheckpointFormatError(ValueError):
    """A checkpoint that does not have the wire form (names the field, never a value)."""


def public_key_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


@dataclass(frozen=True)
class Checkpoint:
    """One signed checkpoint (version 2; version 1 when ``kiosk_key`` is None)."""

    kiosk_id: str
    head_seq: int
    head_hash: str
    issued_at: str  # protocol.event_format.format_timestamp
    central_key: str  # hex of the 32 raw bytes of the signer's public key
    signature: str  # hex of the 64-byte Ed25519 signature
    kiosk_key: str | None = None  # hex of the kiosk's registered public key (version 2)

    def signed_bytes(self) -> bytes:
        return checkpoint_signed_bytes(
            kiosk_id=self.kiosk_id,
            head_seq=self.head_seq,
            head_hash=self.head_hash,
            issued_at=self.issued_at,
            kiosk_key=self.kiosk_key,
        )

    @classmethod
    def sign(
        cls,
        key: Ed25519PrivateKey,
        *,
        kiosk_id: str,
        head_seq: int,
        head_hash: str,
        issued_at: datetime,
        kiosk_key: str | None,
    ) -> Checkpoint:
        moment = format_timestamp(issued_at)
        message = checkpoint_signed_bytes(
            kiosk_id=kiosk_id,
            head_seq=head_seq,
            head_hash=head_hash,
            issued_at=moment,
            kiosk_key=kiosk_key,
        )
        signature = key.sign(message).hex()
        return cls(kiosk_id, head_seq, head_hash, moment, public_key_hex(key), signature, kiosk_key)

    def signature_ok(self, public_key: bytes) -> bool:
        """True when ``public_key`` signed this checkpoint (the pinned key, not the
        one the checkpoint names)."""
        return self.fields().signature_ok(public_key)

    def fields(self) -> CheckpointFields:
        """The checkpoint as a bundle carries it (``protocol.checkpoint_verify``)."""
        return CheckpointFields(
            self.kiosk_id,
            self.head_seq,
            self.head_hash,
            self.issued_at,
            self.signature,
            self.kiosk_key,
        )

    def to_dict(self) -> dict[str, Any]:
        data = {
            "type": CHECKPOINT_TYPE,
            "version": 1 if self.kiosk_key is None else CHECKPOINT_VERSION,
            "kiosk_id": self.kiosk_id,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "issued_at": self.issued_at,
            "central_key": self.central_key,
            "signature": self.signature,
        }
        if self.kiosk_key is not None:
            data["kiosk_key"] = self.kiosk_key
        return data

    @classmethod
    def from_dict(cls, data: object) -> Checkpoint:
        """Strict: every field of its version present with its type and form, no other
        field, version 2 (or 1, without ``kiosk_key``); :class:`CheckpointFormatError`
        otherwise. Nothing is coerced."""
        if not isinstance(data, Mapping):
            raise CheckpointFormatError("checkpoint: expected an object")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version not in (1, 2):
            raise CheckpointFormatError("checkpoint: version")
        expected = _FIELDS_V1 if version == 1 else _FIELDS
        keys = set(data)
        if keys != expected:
            odd = sorted(keys ^ expected)
            raise CheckpointFormatError(f"checkpoint: fields {', '.join(map(str, odd))} differ")
        if data["type"] != CHECKPOINT_TYPE:
            raise CheckpointFormatError("checkpoint: type")
        seq = data["head_seq"]
        if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq <= MAX_SEQ:
            raise CheckpointFormatError("checkpoint: head_seq")
        kiosk_id = data["kiosk_id"]
        if (
            not isinstance(kiosk_id, str)
            or not 0 < len(kiosk_id) <= 64
            or any(ord(c) < 0x20 or ord(c) == 0x7F for c in kiosk_id)
        ):
            raise CheckpointFormatError("checkpoint: kiosk_id")
        for name, pattern in (
            ("head_hash", _HEX64),
            ("central_key", _HEX64),
            ("signature", _HEX128),
            *((("kiosk_key", _HEX64),) if version == 2 else ()),
        ):
            value = data[name]
            if not isinstance(value, str) or not pattern.fullmatch(value):
                raise CheckpointFormatError(f"checkpoint: {name}")
        issued_at = data["issued_at"]
        try:
            if not isinstance(issued_at, str):
                raise ValueError
            parse_timestamp(issued_at)
        except ValueError:
            raise CheckpointFormatError("checkpoint: issued_at") from None
        return cls(
            kiosk_id,
            seq,
            str(data["head_hash"]),
            issued_at,
            str(data["central_key"]),
            str(data["signature"]),
            str(data["kiosk_key"]) if version == 2 else None,
        )


# ---------------------------------------------------------------------------- events


@dataclass(frozen=True)
class EventsQuery:
    """The kiosk's own events in its chain at the central with ``seq > after``, at most
    ``limit`` (a restored kiosk takes back what its backup lacks)."""

    kiosk_id: str
    after: int = 0
    limit: int = MAX_EVENTS_PAGE

    def to_params(self) -> dict[str, Any]:
        return {"kiosk_id": self.kiosk_id, "after": self.after, "limit": self.limit}

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> EventsQuery:
        kiosk_id = kiosk_id_field(params.get("kiosk_id", ""))
        after = int_param(params, "after", 0, 0)
        limit = min(int_param(params, "limit", MAX_EVENTS_PAGE, 1), MAX_EVENTS_PAGE)
        return cls(kiosk_id, after, limit)


@dataclass(frozen=True)
class EventsPage:
    """``{"events": [SignedEvent...], "more": bool}``: linked chain events in seq order;
    each is checked by the receiver (``SignedEvent.from_dict``, hash, signature, link)."""

    events: Sequence[Mapping[str, Any]]
    more: bool

    def to_dict(self) -> dict[str, Any]:
        return {"events": list(self.events), "more": self.more}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EventsPage:
        events = data.get("events")
        if not isinstance(events, list) or not all(isinstance(e, Mapping) for e in events):
            raise WireFormatError(ErrorCode.BAD_REQUEST, "not a page of events")
        return cls(events, bool(data.get("more")))


# ------------------------------------------------------------------------ divergence


class DivergenceKind(StrEnum):
    """How a kiosk's journal differs from what the central holds of it."""

    BEHIND = "behind"  # fewer events than the central or its checkpoint holds
    FORK = "fork"  # another event at a seq the central holds (rewritten or re-signed)
    FOREIGN_CHECKPOINT = "foreign checkpoint"  # a checkpoint not signed by the pinned key
    FOREIGN_KIOSK_KEY = "foreign kiosk key"  # the journal's key is not the one registered


@dataclass(frozen=True)
class DivergenceReport:
    """A kiosk telling the central its journal diverged: the central records a fork
    alarm for its operators. ``seq`` is the first seq that differs (or the local head)."""

    kiosk_id: str
    kind: DivergenceKind
    seq: int
    local_hash: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kiosk_id": self.kiosk_id,
            "kind": self.kind.value,
            "seq": self.seq,
            "local_hash": self.local_hash,
        }

    @classmethod
    def from_dict(cls, body: object) -> DivergenceReport:
        if not isinstance(body, dict):
            raise WireFormatError(ErrorCode.BAD_REQUEST, "expected an object")
        kiosk_id = kiosk_id_field(body.get("kiosk_id"))
        try:
            kind = DivergenceKind(str(body.get("kind")))
        except ValueError:
            raise WireFormatError(ErrorCode.BAD_REQUEST, "unknown divergence kind") from None
        seq = body.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq <= INT64_MAX:
            raise WireFormatError(ErrorCode.BAD_REQUEST, "seq must be an integer")
        local_hash = body.get("local_hash")
        if local_hash is not None and (
            not isinstance(local_hash, str)
            or len(local_hash) != 64
            or any(c not in "0123456789abcdef" for c in local_hash)
        ):
            raise WireFormatError(ErrorCode.BAD_REQUEST, "local_hash must be 64 hex digits")
        return cls(kiosk_id, kind, seq, local_hash)


# ------------------------------------------------------------------------------ head


@dataclass(frozen=True)
class HeadAnswer:
    """What the central holds of a kiosk's events: its chain head (0 and the genesis
    hash at first) and the seqs it holds ahead of the head (blocks pushed first).
    Every event of the kiosk up to the head, and those ahead, are recorded there."""

    kiosk_id: str
    head_seq: int
    head_hash: str
    ahead: tuple[int, ...] = ()
    checkpoint: Mapping[str, Any] | None = None  # signed by the central (protocol.checkpoint)

    def holds(self, seq: int) -> bool:
        return seq <= self.head_seq or seq in self.ahead

    def to_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "kiosk_id": self.kiosk_id,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "ahead": list(self.ahead),
        }
        if self.checkpoint is not None:
            answer["checkpoint"] = dict(self.checkpoint)
        return answer

    @classmethod
    def kiosk_id_from_params(cls, params: Mapping[str, str]) -> str:
        """The ``kiosk_id`` a head query asks for (``WireFormatError`` when malformed)."""
        return kiosk_id_field(params.get("kiosk_id", ""))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HeadAnswer:
        """The head; ``ahead`` may be missing (a central that does not say: none)."""
        try:
            ahead = data.get("ahead") or []
            checkpoint = data.get("checkpoint")
            return cls(
                str(data["kiosk_id"]),
                int(data["head_seq"]),
                str(data["head_hash"]),
                tuple(sorted(int(seq) for seq in ahead)),
                checkpoint if isinstance(checkpoint, Mapping) else None,
            )
        except (KeyError, TypeError, ValueError):
            raise WireFormatError(ErrorCode.BAD_REQUEST, "not a chain head") from None

"""The journal event as it is signed, stored and sent: canonical bytes, hash, signature.

Pure functions only: a kiosk writes its journal with them and the central verifies
what it receives with them. The event types and their payloads: ``protocol.event_types``.

An event carries ``event_id`` (UUID4 string), ``kiosk_id``, ``seq`` (1-based, per
kiosk, gapless), ``occurred_at`` (ISO-8601 UTC, ``2026-11-28T18:00:00.123456Z``),
``operator`` (HSA-id or ``None``), ``event_type`` (``"card.activated"``), ``payload``
(a JSON object), ``prev_hash`` (hex; ``"0" * 64`` for seq 1), ``hash`` and
``signature`` (hex).

* ``hash`` = SHA-256 over :func:`canonical_bytes` of the eight fields
  :data:`HASHED_FIELDS`, i.e. ``json.dumps(fields, sort_keys=True,
  separators=(",", ":"), ensure_ascii=False).encode("utf-8")``.
* ``signature`` = Ed25519 signature by the kiosk's key over the 32 raw bytes of
  the hash.

Format 2 (``"format": 2``; the format kiosks write now) hashes what can travel without
personal data, and chains the signatures too:

* ``payload_nonce`` (16 random bytes, hex) and ``payload_digest`` = SHA-256 of the nonce's
  raw bytes followed by the payload's canonical JSON. The digest stands for the payload
  in the hash: a journal verifies without its payloads, and the secret nonce keeps a
  digest from being matched against guessed payloads (a name, a personnummer).
* ``prev_signature``: the signature of the event before (``"0" * 128`` for seq 1).
* ``signature``: Ed25519 over :data:`V2_SIGNATURE_PREFIX` followed by the 32 raw hash
  bytes (:func:`signed_message`): a format 2 event cannot pass for format 1.
* ``hash`` = SHA-256 over :func:`canonical_bytes_v2`: the lines ``kiosk-journal-event/2``,
  event_id, kiosk_id, seq (decimal), occurred_at, operator (empty when there is none),
  event_type, payload_digest, prev_hash, prev_signature, joined by ``\n`` in UTF-8. No
  field may hold a control character (:data:`FIELD_FORMS`) and an operator is never
  empty, so the lines are unambiguous.

Because each hash covers the event before it, hash *and* signature, one valid signature
at the head vouches for every event and every signature before it: a verifier recomputes
the hashes, checks the links and checks the head's signature (``protocol.journal_chain``).
A format 1 event's hash covers its plaintext payload and not the signature before it;
journals written before format 2 keep their format 1 events, and the first format 2
event links to the last of them. Once a journal holds a format 2 event, it holds no
later format 1 event.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from protocol.event_fields import (
    FIELD_FORMS,
    TEXT_CHECKS,
    V2_FIELD_FORMS,
    V2_TEXT_CHECKS,
    TextForm,
    text_fields,
)

__all__ = ["FIELD_FORMS", "V2_FIELD_FORMS", "TextForm"]  # the forms, defined with their checks

GENESIS_HASH = "0" * 64
GENESIS_SIGNATURE = "0" * 128
FORMAT_V1 = 1
FORMAT_V2 = 2
CURRENT_FORMAT = FORMAT_V2
FORMATS = (FORMAT_V1, FORMAT_V2)
V2_TAG = "kiosk-journal-event/2"
V2_SIGNATURE_PREFIX = b"kiosk-journal-event/2 signature\n"
PAYLOAD_NONCE_BYTES = 16
HASHED_FIELDS: tuple[str, ...] = (
    "event_id",
    "kiosk_id",
    "seq",
    "occurred_at",
    "operator",
    "event_type",
    "payload",
    "prev_hash",
)

# The hashed fields of a format 2 event, in the order of its canonical lines.
HASHED_FIELDS_V2: tuple[str, ...] = (
    "event_id",
    "kiosk_id",
    "seq",
    "occurred_at",
    "operator",
    "event_type",
    "payload_digest",
    "prev_hash",
    "prev_signature",
)

MAX_SEQ = 2**63 - 1  # a BIGINT at the central


def format_timestamp(moment: datetime) -> str:
    """ISO-8601 UTC with microseconds and a ``Z``: ``2026-11-28T18:00:00.123456Z``."""
    if moment.tzinfo is None:
        raise ValueError("journal timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# the form format_timestamp writes; strptime also takes others (one-digit fields)
_WRITTEN_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


def parse_timestamp(text: str) -> datetime:
    """The inverse of :func:`format_timestamp` (aware datetime in UTC). The form it
    writes is read with ``fromisoformat`` (a tenth of ``strptime``'s cost, same
    result); any other text goes through ``strptime`` and its rules."""
    if _WRITTEN_TIMESTAMP.fullmatch(text):
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def canonical_json(value: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, UTF-8 (not ASCII-escaped)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    """Canonical JSON bytes of the hashed fields (other keys in ``fields`` are ignored)."""
    return canonical_json({name: fields[name] for name in HASHED_FIELDS})


def event_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of :func:`canonical_bytes`."""
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()


def payload_digest(nonce_hex: str, canonical_payload: bytes) -> str:
    """SHA-256 (hex) of the nonce's raw bytes followed by the payload's canonical JSON."""
    return hashlib.sha256(bytes.fromhex(nonce_hex) + canonical_payload).hexdigest()


def canonical_bytes_v2(fields: Mapping[str, Any]) -> bytes:
    """The canonical lines of a format 2 event (see the module docstring)."""
    operator = fields["operator"]
    return "\n".join(
        (
            V2_TAG,
            fields["event_id"],
            fields["kiosk_id"],
            str(fields["seq"]),
            fields["occurred_at"],
            "" if operator is None else operator,
            fields["event_type"],
            fields["payload_digest"],
            fields["prev_hash"],
            fields["prev_signature"],
        )
    ).encode("utf-8")


def event_hash_v2(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of :func:`canonical_bytes_v2`."""
    return hashlib.sha256(canonical_bytes_v2(fields)).hexdigest()


def signed_message(hash_hex: str, event_format: int = FORMAT_V1) -> bytes:
    """What the kiosk's key signs: the 32 raw hash bytes (format 1), after
    :data:`V2_SIGNATURE_PREFIX` in format 2, so that a format 2 event relabelled format 1
    (whose content a bundle cannot check) carries no valid signature."""
    raw = bytes.fromhex(hash_hex)
    return raw if event_format == FORMAT_V1 else V2_SIGNATURE_PREFIX + raw


def sign_hash(key: Ed25519PrivateKey, hash_hex: str, event_format: int = FORMAT_V1) -> str:
    """Ed25519 signature (hex) over :func:`signed_message`."""
    return key.sign(signed_message(hash_hex, event_format)).hex()


def verify_signature(
    public_key_bytes: bytes, hash_hex: str, signature_hex: str, event_format: int = FORMAT_V1
) -> bool:
    """True when ``signature_hex`` is the kiosk's valid signature of ``hash_hex``."""
    try:
        public_key = Ed25519PublicKey.from_public_bytes(public_key_bytes)
        public_key.verify(bytes.fromhex(signature_hex), signed_message(hash_hex, event_format))
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class SignedEvent:
    """One journal event as it travels between kiosk and central (format 1 or 2)."""

    event_id: str
    kiosk_id: str
    seq: int
    occurred_at: str
    operator: str | None
    event_type: str
    payload: dict[str, Any] = field(hash=False)
    prev_hash: str
    hash: str
    signature: str
    event_format: int = FORMAT_V1
    # format 2 only (None in format 1)
    payload_nonce: str | None = None
    payload_digest: str | None = None
    prev_signature: str | None = None

    def hashed_fields(self) -> dict[str, Any]:
        if self.event_format == FORMAT_V2:
            return {name: getattr(self, name) for name in HASHED_FIELDS_V2}
        return {name: getattr(self, name) for name in HASHED_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        data = {  # HASHED_FIELDS, written out: a kiosk sends thousands at a time
            "event_id": self.event_id,
            "kiosk_id": self.kiosk_id,
            "seq": self.seq,
            "occurred_at": self.occurred_at,
            "operator": self.operator,
            "event_type": self.event_type,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
        }
        if self.event_format == FORMAT_V2:
            data["format"] = FORMAT_V2
            data["payload_nonce"] = self.payload_nonce
            data["payload_digest"] = self.payload_digest
            data["prev_signature"] = self.prev_signature
        data["hash"] = self.hash
        data["signature"] = self.signature
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SignedEvent:
        """Build from a decoded JSON object; ``ValueError`` unless every field has its
        type and form (:data:`FIELD_FORMS`): nothing is coerced, so what is hashed and
        stored is exactly what was sent. Without ``format`` it is a format 1 event."""
        event_format = data.get("format", FORMAT_V1)
        if event_format not in FORMATS or isinstance(event_format, bool):
            raise ValueError("not a journal event: unknown format")
        extra = tuple(V2_FIELD_FORMS) if event_format == FORMAT_V2 else ()
        required = (*HASHED_FIELDS, *extra, "hash", "signature")
        missing = [name for name in required if name not in data]
        if missing:
            raise ValueError(f"not a journal event: {', '.join(missing)} missing")
        seq = data["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= MAX_SEQ:
            raise ValueError("not a journal event: seq must be a positive 64-bit integer")
        payload = data["payload"]
        if not isinstance(payload, dict):
            raise ValueError("not a journal event: payload must be an object")
        texts = text_fields(data, TEXT_CHECKS)
        v2 = text_fields(data, V2_TEXT_CHECKS) if extra else {}
        if event_format == FORMAT_V2 and texts["operator"] == "":
            raise ValueError("not a journal event: an operator is null or not empty")
        try:
            parse_timestamp(texts["occurred_at"] or "")
        except ValueError:
            raise ValueError("not a journal event: occurred_at is not a UTC timestamp") from None
        return cls(
            event_id=str(texts["event_id"]),
            kiosk_id=str(texts["kiosk_id"]),
            seq=seq,
            occurred_at=str(texts["occurred_at"]),
            operator=texts["operator"],
            event_type=str(texts["event_type"]),
            payload=dict(payload),
            prev_hash=str(texts["prev_hash"]),
            hash=str(texts["hash"]),
            signature=str(texts["signature"]),
            event_format=event_format,
            payload_nonce=v2.get("payload_nonce"),
            payload_digest=v2.get("payload_digest"),
            prev_signature=v2.get("prev_signature"),
        )

    def hash_ok(self, canonical_payload: bytes | None = None) -> bool:
        """The stored hash matches the content (format 2: and the payload its digest).
        ``canonical_payload``: :func:`canonical_json` of the payload when the caller
        has it already (the central seals those bytes)."""
        if self.event_format == FORMAT_V2:
            if self.payload_nonce is None or self.payload_digest is None:
                return False
            if canonical_payload is None:
                canonical_payload = canonical_json(self.payload)
            digest = payload_digest(self.payload_nonce, canonical_payload)
            return digest == self.payload_digest and event_hash_v2(self.hashed_fields()) == (
                self.hash
            )
        return event_hash(self.hashed_fields()) == self.hash

    def verified_payload(self) -> bytes | None:
        """The payload's canonical JSON when :meth:`hash_ok`, else None. Format 2 tries
        orjson's bytes first (a fifth of the cost): if their digest matches they are the
        canonical bytes (SHA-256 does not collide); else (orjson writes some floats
        otherwise) the standard library's bytes decide, as in :meth:`hash_ok`."""
        if self.event_format == FORMAT_V2 and self.payload_nonce is not None:
            try:
                quick = orjson.dumps(self.payload, option=orjson.OPT_SORT_KEYS)
            except orjson.JSONEncodeError:
                quick = b""
            if quick and payload_digest(self.payload_nonce, quick) == self.payload_digest:
                return quick if event_hash_v2(self.hashed_fields()) == self.hash else None
        canonical = canonical_json(self.payload)
        return canonical if self.hash_ok(canonical) else None

    def signature_ok(self, public_key_bytes: bytes) -> bool:
        return verify_signature(public_key_bytes, self.hash, self.signature, self.event_format)

    @classmethod
    def create(
        cls,
        key: Ed25519PrivateKey,
        *,
        event_id: str,
        kiosk_id: str,
        seq: int,
        occurred_at: str,
        operator: str | None,
        event_type: str,
        payload: dict[str, Any],
        prev_hash: str,
        prev_signature: str = GENESIS_SIGNATURE,
        payload_nonce: str | None = None,
        event_format: int = FORMAT_V1,
    ) -> SignedEvent:
        """Hash and sign a new event: format 1 unless told another (the kiosk's journal
        writes :data:`CURRENT_FORMAT`); a format 2 event gets a fresh random nonce
        unless one is given."""
        fields: dict[str, Any] = {
            "event_id": event_id,
            "kiosk_id": kiosk_id,
            "seq": seq,
            "occurred_at": occurred_at,
            "operator": operator,
            "event_type": event_type,
            "payload": payload,
            "prev_hash": prev_hash,
        }
        if event_format == FORMAT_V1:
            digest = event_hash(fields)
            return cls(**fields, hash=digest, signature=sign_hash(key, digest))
        if operator == "":
            raise ValueError("an event's operator is None or not empty")
        nonce = payload_nonce or secrets.token_hex(PAYLOAD_NONCE_BYTES)
        content = payload_digest(nonce, canonical_json(payload))
        extra = {"payload_digest": content, "prev_signature": prev_signature}
        digest = event_hash_v2({**fields, **extra})
        return cls(
            **fields,
            hash=digest,
            signature=sign_hash(key, digest, FORMAT_V2),
            event_format=FORMAT_V2,
            payload_nonce=nonce,
            payload_digest=content,
            prev_signature=prev_signature,
        )

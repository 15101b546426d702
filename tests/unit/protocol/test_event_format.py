"""The journal wire format: canonical bytes, hash and signature (the sync contract)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from protocol.event_format import (
    FORMAT_V2,
    GENESIS_HASH,
    SignedEvent,
    canonical_bytes,
    canonical_json,
    event_hash,
    sign_hash,
    verify_signature,
)

FIELDS = {
    "event_id": "9b2f3c1e-0000-4000-8000-000000000001",
    "kiosk_id": "kiosk-solna-1",
    "seq": 1,
    "occurred_at": "2026-11-28T18:00:00.123456Z",
    "operator": "SE2321000016-1234",
    "event_type": "card.activated",
    "payload": {"serial": "A1", "namn": "Åsa Öberg"},
    "prev_hash": GENESIS_HASH,
}


def test_canonical_bytes_are_sorted_compact_utf8() -> None:
    expected = json.dumps(FIELDS, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_bytes({**FIELDS, "hash": "x"}) == expected.encode("utf-8")
    assert "Åsa".encode() in canonical_bytes(FIELDS)


def test_hash_is_sha256_of_canonical_bytes() -> None:
    assert event_hash(FIELDS) == hashlib.sha256(canonical_bytes(FIELDS)).hexdigest()


def test_signature_over_raw_hash_bytes_verifies_and_rejects_tamper() -> None:
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    digest = event_hash(FIELDS)
    signature = sign_hash(key, digest)
    key.public_key().verify(bytes.fromhex(signature), bytes.fromhex(digest))
    assert verify_signature(public, digest, signature)
    other = event_hash({**FIELDS, "seq": 2})
    assert not verify_signature(public, other, signature)
    assert not verify_signature(public, digest, "00" * 64)
    assert not verify_signature(public, digest, "not hex")


def test_signed_event_round_trips_through_dict() -> None:
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    event = SignedEvent.create(key, **FIELDS)  # type: ignore[arg-type]
    data = json.loads(json.dumps(event.to_dict()))
    again = SignedEvent.from_dict(data)
    assert again == event
    assert again.hash_ok() and again.signature_ok(public)
    edited = SignedEvent.from_dict({**data, "operator": "someone else"})
    assert not edited.hash_ok()


def _format_2(payload: dict[str, object]) -> SignedEvent:
    fields: dict[str, Any] = {k: v for k, v in FIELDS.items() if k != "payload"}
    return SignedEvent.create(
        Ed25519PrivateKey.generate(), **fields, payload=payload, event_format=FORMAT_V2
    )


def test_verified_payload_is_the_canonical_json_the_kiosk_hashed() -> None:
    payload = {"serial": "A1", "namn": "Åsa Öberg", "n": 3, "ok": True, "x": None}
    assert _format_2(payload).verified_payload() == canonical_json(payload)


def test_verified_payload_falls_back_where_orjson_writes_other_bytes() -> None:
    # json writes 1e-07, orjson 1e-7: the digest decides, and the canonical bytes win
    payload = {"serial": "A1", "amount": 1e-7}
    event = _format_2(payload)
    assert orjson.dumps(payload, option=orjson.OPT_SORT_KEYS) != canonical_json(payload)
    assert event.verified_payload() == canonical_json(payload)


def test_verified_payload_is_none_for_a_changed_payload_or_hash() -> None:
    event = _format_2({"serial": "A1"})
    assert dataclasses.replace(event, payload={"serial": "A2"}).verified_payload() is None
    assert dataclasses.replace(event, seq=2).verified_payload() is None
    v1 = SignedEvent.create(Ed25519PrivateKey.generate(), **FIELDS)  # type: ignore[arg-type]
    assert v1.verified_payload() == canonical_json(FIELDS["payload"])
    assert dataclasses.replace(v1, payload={"serial": "B"}).verified_payload() is None

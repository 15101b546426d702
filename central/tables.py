"""The central's tables as SQLAlchemy ``Table`` objects, and how an event is stored."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table

from central.fields import CentralCipher, event_aad
from central.models import (
    CentralCard,
    CentralCounter,
    CentralEvent,
    CentralForkAlarm,
    CentralHolder,
    CentralKiosk,
    CentralOperator,
    CentralOrder,
    CentralOutsideBlock,
    CentralPhoto,
    CentralPukEntry,
)
from protocol.event_format import (
    FORMAT_V2,
    HASHED_FIELDS,
    PAYLOAD_NONCE_BYTES,
    SignedEvent,
    canonical_json,
)

EVENT: Table = CentralEvent.__table__  # type: ignore[attr-defined]
KIOSK: Table = CentralKiosk.__table__  # type: ignore[attr-defined]
CARD: Table = CentralCard.__table__  # type: ignore[attr-defined]
HOLDER: Table = CentralHolder.__table__  # type: ignore[attr-defined]
ORDER: Table = CentralOrder.__table__  # type: ignore[attr-defined]
OPERATOR: Table = CentralOperator.__table__  # type: ignore[attr-defined]
PUK: Table = CentralPukEntry.__table__  # type: ignore[attr-defined]
PHOTO: Table = CentralPhoto.__table__  # type: ignore[attr-defined]
COUNTER: Table = CentralCounter.__table__  # type: ignore[attr-defined]
FORK_ALARM: Table = CentralForkAlarm.__table__  # type: ignore[attr-defined]
OUTSIDE_BLOCK: Table = CentralOutsideBlock.__table__  # type: ignore[attr-defined]

SIGNED_FIELDS = (*HASHED_FIELDS, "hash", "signature")
# the stored columns of an event: the signed fields with the payload sealed (format 2:
# the payload nonce sealed with it), and what format 2 adds
STORED_FIELDS = (
    *("payload_enc" if name == "payload" else name for name in SIGNED_FIELDS),
    "event_format",
    "payload_digest",
    "prev_signature",
)


def stored_event(
    event: SignedEvent,
    cipher: CentralCipher,
    canonical_payload: bytes | None = None,
    nonce: bytes | None = None,
) -> dict[str, Any]:
    """The stored columns of a verified event (:data:`STORED_FIELDS`);
    ``canonical_payload``: the payload's canonical JSON when the caller has it;
    ``nonce``: a fresh random one for the sealing, drawn by the caller."""
    aad = event_aad(event.event_id)
    if event.event_format == FORMAT_V2 and event.payload_nonce is not None:
        if canonical_payload is None:
            canonical_payload = canonical_json(event.payload)
        sealed = cipher.seal(bytes.fromhex(event.payload_nonce) + canonical_payload, aad, nonce)
    elif canonical_payload is not None:  # the bytes seal_json would seal
        sealed = cipher.seal(canonical_payload, aad, nonce)
    else:
        sealed = cipher.seal_json(event.payload, aad)
    return {
        "event_id": event.event_id,
        "kiosk_id": event.kiosk_id,
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "operator": event.operator,
        "event_type": event.event_type,
        "payload_enc": sealed,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "signature": event.signature,
        "event_format": event.event_format,
        "payload_digest": event.payload_digest,
        "prev_signature": event.prev_signature,
    }


def event_from_stored(values: Mapping[str, Any], cipher: CentralCipher) -> SignedEvent:
    """The signed event of a stored row (:data:`STORED_FIELDS`), payload opened."""
    data = dict(values)
    blob = data.pop("payload_enc")
    aad = event_aad(str(data["event_id"]))
    if data.get("event_format") == FORMAT_V2:
        plain = cipher.open(blob, aad)
        data["payload_nonce"] = plain[:PAYLOAD_NONCE_BYTES].hex()
        data["payload"] = json.loads(plain[PAYLOAD_NONCE_BYTES:])
        data["format"] = FORMAT_V2
    else:
        data["payload"] = cipher.open_json(blob, aad)
        for name in ("payload_digest", "prev_signature"):
            data.pop(name, None)
    data.pop("event_format", None)
    return SignedEvent.from_dict(data)


def chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    """``items`` in slices of ``size`` (bound parameters per statement stay few)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]

"""The JSON a kiosk and the central exchange over HTTP(S); see docs/sync.md.

``POST /v1/push``  :class:`PushRequest` → :class:`PushAnswer` (one :class:`EventResult`
                   per event)
``GET  /v1/pull``  :class:`PullQuery` → :class:`PullPage` (changes after the cursor,
                   one column table per :class:`PullEntity`)
``GET  /v1/head``  ``kiosk_id`` → ``protocol.checkpoint.HeadAnswer`` (the kiosk's chain
                   head there, with the central's signed checkpoint of it)
``GET  /v1/events`` the kiosk's own chain back, for a kiosk restored from a backup
``POST /v1/divergence`` a kiosk whose journal does not match: a fork alarm there
                   (both messages in ``protocol.checkpoint``)
``GET  /v1/health`` → ``{"ok": true}``
``POST /v1/photos`` many card photos at once (messages in ``protocol.wire_photos``)

A refused request is answered with a 4xx status and :class:`ErrorAnswer`
(``{"error": <ErrorCode>, "detail": text}``). Parsing a body that does not have the
shape raises :class:`WireFormatError` with the code to answer it with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from protocol.strict_json import INT64_MAX, StrictJsonError, decode_body

PUSH_PATH = "/v1/push"
PULL_PATH = "/v1/pull"
HEAD_PATH = "/v1/head"
# the restored kiosk's way back, and its fork report (messages in protocol.checkpoint)
EVENTS_PATH = "/v1/events"
DIVERGENCE_PATH = "/v1/divergence"
HEALTH_PATH = "/v1/health"
#: GET: the CRLs the central fetched from the configured CAs' distribution points,
#: {"crls": [{"url", "der" (base64), "fetched_at"}]}; a section of its own, beside pull
CRLS_PATH = "/v1/crls"
# a holder's card photo: POST the JPEG (?kiosk_id=&digest=), GET it back as JSON
PHOTO_PATH = "/v1/photo"

MAX_PUSH_EVENTS = 5000
DEFAULT_PULL_LIMIT = 20_000
# The largest request body the central reads (a full batch of large events is a few MB).
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_KIOSK_ID = 64  # the central's kiosk_id column


class PushStatus(StrEnum):
    """The central's answer for one pushed event."""

    ACCEPTED = "accepted"  # recorded in the kiosk's chain and applied
    REJECTED = "rejected"  # recorded, not applied: a RejectReason says why
    GAP = "gap"  # beyond the expected seq: not recorded; resend from expected_seq
    INVALID = "invalid"  # does not verify or does not fit the chain: an InvalidReason


_STATUS_BY_TEXT = {status.value: status for status in PushStatus}  # a tenth of PushStatus()


class RejectReason(StrEnum):
    """Why a verified event was recorded but not applied (the conflict policy)."""

    CARD_BLOCKED = "card blocked"
    OPERATOR_NOT_ON_ROSTER = "operator not on roster"
    OPERATOR_LACKS_ROLE = "operator lacks role"
    OPERATOR_MISSING = "operator missing"
    OPERATOR_OTHER_OFFICE = "operator of another office"
    # a type kiosks do not push, or a payload that does not fit its type's schema
    MALFORMED_PAYLOAD = "malformed payload"


class InvalidReason(StrEnum):
    """Why an event was not recorded at all."""

    MALFORMED_EVENT = "malformed event"
    WRONG_KIOSK = "wrong kiosk"
    HASH_MISMATCH = "hash mismatch"
    BAD_SIGNATURE = "bad signature"
    CHAIN_BROKEN = "chain broken"
    SEQUENCE_USED = "sequence number already used"
    EVENT_ID_REUSED = "event id reused"
    TWICE_IN_BATCH = "event twice in batch"
    NOT_A_BLOCK = "not a block"  # sent outside the chain (protocol.outside_chain)


class ErrorCode(StrEnum):
    """``error`` of a refused request."""

    BAD_JSON = "bad_json"
    BAD_REQUEST = "bad_request"
    BATCH_TOO_LARGE = "batch_too_large"
    BODY_TOO_LARGE = "body_too_large"
    UNKNOWN_KIOSK = "unknown_kiosk"
    WRONG_CERTIFICATE = "wrong_certificate"
    PHOTO_DIGEST_MISMATCH = "photo_digest_mismatch"
    NO_SUCH_PHOTO = "no_such_photo"


class WireFormatError(ValueError):
    """A body or query that does not have the shape of its message."""

    def __init__(self, code: ErrorCode, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


@dataclass(frozen=True)
class ErrorAnswer:
    error: ErrorCode
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.error.value, "detail": self.detail}


def kiosk_id_field(value: object) -> str:
    """A kiosk id as a request names it: text of 1 to 64 characters, no control
    characters (``WireFormatError`` otherwise)."""
    if (
        not isinstance(value, str)
        or not 0 < len(value) <= MAX_KIOSK_ID
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)
    ):
        raise WireFormatError(
            ErrorCode.BAD_REQUEST, f"kiosk_id must be text of 1 to {MAX_KIOSK_ID} characters"
        )
    return value


def int_param(params: Mapping[str, str], name: str, default: int, low: int) -> int:
    text = params.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise WireFormatError(ErrorCode.BAD_REQUEST, f"{name} must be an integer") from None
    if not low <= value <= INT64_MAX:
        raise WireFormatError(ErrorCode.BAD_REQUEST, f"{name} must be from {low} to 2^63-1")
    return value


# ------------------------------------------------------------------------------ push


def strict_body(body: bytes | bytearray) -> Any:
    """A request body decoded as strict JSON (``protocol.strict_json``);
    ``WireFormatError`` with the code to answer otherwise."""
    try:
        return decode_body(body)
    except StrictJsonError as exc:
        code = ErrorCode.BODY_TOO_LARGE if exc.too_large else ErrorCode.BAD_JSON
        raise WireFormatError(code, exc.reason) from None


@dataclass(frozen=True)
class PushRequest:
    """A batch of signed events (``protocol.event_format.SignedEvent.to_dict``)."""

    kiosk_id: str
    events: Sequence[Mapping[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"kiosk_id": self.kiosk_id, "events": list(self.events)}

    @classmethod
    def from_body(cls, body: bytes | bytearray) -> PushRequest:
        """The request from the raw body: strict JSON (``protocol.strict_json``), then
        :meth:`from_dict`; ``WireFormatError`` with the code to answer otherwise."""
        return cls.from_dict(strict_body(body))

    @classmethod
    def from_dict(cls, body: object) -> PushRequest:
        """The request from a decoded body; each event is checked by the receiver."""
        if not isinstance(body, dict):
            raise WireFormatError(ErrorCode.BAD_REQUEST, "expected an object")
        kiosk_id = body.get("kiosk_id")
        events = body.get("events")
        if not isinstance(kiosk_id, str) or not isinstance(events, list):
            raise WireFormatError(ErrorCode.BAD_REQUEST, "kiosk_id and events are required")
        kiosk_id_field(kiosk_id)
        if len(events) > MAX_PUSH_EVENTS:
            raise WireFormatError(
                ErrorCode.BATCH_TOO_LARGE, f"at most {MAX_PUSH_EVENTS} events per batch"
            )
        if not all(isinstance(e, dict) for e in events):
            raise WireFormatError(ErrorCode.BAD_REQUEST, "events must be objects")
        return cls(kiosk_id, events)


@dataclass(frozen=True)
class EventResult:
    """The central's answer for one pushed event."""

    event_id: str
    seq: int
    status: PushStatus
    reason: str | None = None
    duplicate: bool = False  # the event id was recorded before: the first answer again

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "seq": self.seq,
            "status": self.status.value,
            "reason": self.reason,
            "duplicate": self.duplicate,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EventResult:
        """``ValueError`` when the result does not have the shape (or a newer status)."""
        reason = data.get("reason")
        status = _STATUS_BY_TEXT.get(str(data.get("status")))
        if status is None:
            raise ValueError("an unknown push status")
        return cls(
            event_id=str(data.get("event_id")),
            seq=int(data.get("seq") or 0),
            status=status,
            reason=None if reason is None else str(reason),
            duplicate=bool(data.get("duplicate")),
        )


def readable_results(data: Mapping[str, Any]) -> list[EventResult]:
    """The per-event results of an answer that this side can read (the others are left
    out: their events stay pending and go out again); no result list is refused."""
    results = data.get("results")
    if not isinstance(results, list):
        raise WireFormatError(ErrorCode.BAD_REQUEST, "answer without results")
    readable: list[EventResult] = []
    for item in results:
        if not isinstance(item, Mapping):
            continue
        try:
            readable.append(EventResult.from_dict(item))
        except (TypeError, ValueError):
            continue
    return readable


@dataclass(frozen=True)
class PushAnswer:
    kiosk_id: str
    head_seq: int
    results: list[EventResult]
    # the central's signed checkpoint of the head (protocol.checkpoint), when it has a key
    checkpoint: Mapping[str, Any] | None = None

    @property
    def expected_seq(self) -> int:
        """The seq the central expects next from this kiosk."""
        return self.head_seq + 1

    def to_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "kiosk_id": self.kiosk_id,
            "head_seq": self.head_seq,
            "expected_seq": self.expected_seq,
            "results": [r.to_dict() for r in self.results],
        }
        if self.checkpoint is not None:  # a central without a checkpoint key says none
            answer["checkpoint"] = dict(self.checkpoint)
        return answer

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PushAnswer:
        """The answer; results this side cannot read are left out (their events stay
        pending and go out again), an answer without a result list is refused."""
        readable = readable_results(data)
        checkpoint = data.get("checkpoint")
        return cls(
            str(data.get("kiosk_id", "")),
            int(data.get("head_seq") or 0),
            readable,
            checkpoint if isinstance(checkpoint, Mapping) else None,
        )


# ------------------------------------------------------------------------------ pull


class PullEntity(StrEnum):
    """The entity tables of a pull page, in the order they are written."""

    HOLDER = "holder"
    OPERATOR = "operator"
    CARD = "card"
    ORDER = "order"
    PUK = "puk"


# The columns of each entity's rows: ``change_id``, the key, then the entity's fields.
PULL_COLUMNS: Mapping[PullEntity, tuple[str, ...]] = {
    PullEntity.HOLDER: ("change_id", "holder_id", "office_id", "data"),
    PullEntity.OPERATOR: ("change_id", "hsa_id", "role", "office_id", "active", "data"),
    PullEntity.CARD: (
        "change_id",
        "serial",
        "office_id",
        "holder_id",
        "product_number",
        "state",
        "data",
    ),
    PullEntity.ORDER: ("change_id", "order_id", "office_id", "card_serial", "data"),
    PullEntity.PUK: ("change_id", "serial", "office_id", "ciphertext"),
}


@dataclass(frozen=True)
class PullQuery:
    kiosk_id: str
    cursor: int = 0
    limit: int = DEFAULT_PULL_LIMIT

    def to_params(self) -> dict[str, Any]:
        return {"kiosk_id": self.kiosk_id, "cursor": self.cursor, "limit": self.limit}

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> PullQuery:
        """The query; ``cursor`` from 0 and ``limit`` from 1, both at most 2^63-1 (the
        central's change ids are BIGINT)."""
        kiosk_id = kiosk_id_field(params.get("kiosk_id", ""))
        cursor = int_param(params, "cursor", 0, 0)
        limit = int_param(params, "limit", DEFAULT_PULL_LIMIT, 1)
        return cls(kiosk_id, cursor, limit)


@dataclass(frozen=True)
class PullTable:
    """One entity's rows, each a list in the order of ``columns`` (no dict per row)."""

    columns: Sequence[str] = ()
    rows: Sequence[Sequence[Any]] = ()

    def index(self) -> dict[str, int]:
        return {name: n for n, name in enumerate(self.columns)}


@dataclass(frozen=True)
class PullPage:
    """``{"cursor": N, "more": bool, "tables": {entity: {"columns", "rows"}}}``: every
    row with ``cursor_before < change_id <= cursor``; ``more`` when a table was cut."""

    cursor: int
    more: bool
    tables: Mapping[str, PullTable] = field(default_factory=dict)

    def table(self, entity: PullEntity) -> PullTable:
        return self.tables.get(entity, PullTable())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, cursor: int) -> PullPage:
        """The page; ``cursor`` (the one asked for) stands when the answer has none.
        The rows are used as decoded, not copied."""
        tables: dict[str, PullTable] = {}
        for entity, table in (data.get("tables") or {}).items():
            if table:
                tables[str(entity)] = PullTable(table["columns"], table["rows"])
        return cls(int(data.get("cursor", cursor)), bool(data.get("more")), tables)

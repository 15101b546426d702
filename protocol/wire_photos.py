"""Many card photos in one request: the batched fetch a kiosk makes after a pull.

``POST /v1/photos``  :class:`PhotoBatchRequest` (``{"kiosk_id", "digests": [...]}``, at
                     most :data:`MAX_PHOTO_BATCH` digests) → :class:`PhotoBatchAnswer`
                     (a JSON head line, then the photos' bytes as they are)

The central answers each digest asked for in one of three ways: the photo, when an open
order of the kiosk's office names it (R2, as ``GET /v1/photo``); ``refused`` when none
does (or it has no such photo); ``later`` when the answer already holds
:data:`MAX_PHOTO_ANSWER_BYTES` of photos (the kiosk asks again). An answer holds at least
one photo when any is found, so a kiosk that asks again always gets further.
A separate module beside ``protocol.wire`` (which names it) to keep each under 400 lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from protocol.wire import ErrorCode, WireFormatError, kiosk_id_field, strict_body

PHOTOS_PATH = "/v1/photos"
PHOTO_BATCH_MEDIA_TYPE = "application/vnd.card-office.photo-batch"
MAX_PHOTO_BATCH = 256
# The JPEG bytes of one answer (the photos past it wait for the next request): a few MB,
# so a batch of the largest photos the kiosk accepts (2 MiB) still gets one at a time.
MAX_PHOTO_ANSWER_BYTES = 8 * 1024 * 1024
# a request body: the digests and the kiosk id, with room for JSON's punctuation
MAX_PHOTO_REQUEST_BYTES = MAX_PHOTO_BATCH * 72 + 1024
_HEX = frozenset("0123456789abcdef")


def photo_digest_field(value: object) -> str:
    """A photo's name: the SHA-256 of its JPEG as 64 lowercase hex digits."""
    if not isinstance(value, str) or len(value) != 64 or not _HEX.issuperset(value):
        raise WireFormatError(ErrorCode.BAD_REQUEST, "digest: 64 lowercase hex digits")
    return value


def _digests(value: object, name: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise WireFormatError(ErrorCode.BAD_REQUEST, f"{name} must be a list of digests")
    return tuple(photo_digest_field(item) for item in value)


@dataclass(frozen=True)
class PhotoBatchRequest:
    """The photos a kiosk asks for at once (each named once, in the order asked)."""

    kiosk_id: str
    digests: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"kiosk_id": self.kiosk_id, "digests": list(self.digests)}

    @classmethod
    def from_body(cls, body: bytes | bytearray) -> PhotoBatchRequest:
        """The request from the raw body (strict JSON); ``WireFormatError`` otherwise."""
        return cls.from_dict(strict_body(body))

    @classmethod
    def from_dict(cls, body: object) -> PhotoBatchRequest:
        if not isinstance(body, dict):
            raise WireFormatError(ErrorCode.BAD_REQUEST, "expected an object")
        kiosk_id = kiosk_id_field(body.get("kiosk_id"))
        digests = _digests(body.get("digests"), "digests")
        if not digests:
            raise WireFormatError(ErrorCode.BAD_REQUEST, "digests: at least one")
        if len(digests) > MAX_PHOTO_BATCH:
            raise WireFormatError(
                ErrorCode.BATCH_TOO_LARGE, f"at most {MAX_PHOTO_BATCH} digests per request"
            )
        return cls(kiosk_id, tuple(dict.fromkeys(digests)))


@dataclass(frozen=True)
class PhotoBatchAnswer:
    """The photos found (digest → JPEG bytes), those refused and those left for later.

    On the wire (:data:`PHOTO_BATCH_MEDIA_TYPE`) one line of JSON, ``{"photos":
    [[digest, size], ...], "refused": [...], "later": [...]}`` and a newline, then the
    photos' bytes one after another in that order: no base64 (a third more bytes, and
    its encoding and decoding, for megabytes of JPEG)."""

    photos: Mapping[str, bytes] = field(default_factory=dict)
    refused: Sequence[str] = ()
    later: Sequence[str] = ()

    def to_bytes(self) -> bytes:
        head = {
            "photos": [[digest, len(jpeg)] for digest, jpeg in self.photos.items()],
            "refused": list(self.refused),
            "later": list(self.later),
        }
        return b"".join([orjson.dumps(head), b"\n", *self.photos.values()])

    @classmethod
    def from_bytes(cls, body: bytes) -> PhotoBatchAnswer:
        """The answer; ``WireFormatError`` when it does not have the shape (sizes that
        do not add up to the bytes after the head included). The bytes are not checked
        against their digests here: the store does that before it keeps a photo."""
        line_end = body.find(b"\n")
        try:
            head = orjson.loads(body[:line_end]) if line_end >= 0 else None
        except orjson.JSONDecodeError:
            head = None
        items = head.get("photos") if isinstance(head, dict) else None
        if not isinstance(head, dict) or not isinstance(items, list):
            raise WireFormatError(ErrorCode.BAD_REQUEST, "not a photo batch")
        photos: dict[str, bytes] = {}
        offset = line_end + 1
        for item in items:
            if not isinstance(item, list) or len(item) != 2 or type(item[1]) is not int:
                raise WireFormatError(ErrorCode.BAD_REQUEST, "a photo is [digest, size]")
            size = item[1]
            if size < 0 or offset + size > len(body):
                raise WireFormatError(ErrorCode.BAD_REQUEST, "photo sizes past the body")
            photos[photo_digest_field(item[0])] = body[offset : offset + size]
            offset += size
        if offset != len(body):
            raise WireFormatError(ErrorCode.BAD_REQUEST, "bytes after the last photo")
        return cls(
            photos,
            _digests(head.get("refused", []), "refused"),
            _digests(head.get("later", []), "later"),
        )

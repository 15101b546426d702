"""The batched photo fetch on the wire (``protocol.wire_photos``): the request's bounds
and the answer's framing, the photos' bytes as they are after one JSON head line."""

from __future__ import annotations

import hashlib
import json

import pytest

from protocol.wire import ErrorCode, WireFormatError
from protocol.wire_photos import (
    MAX_PHOTO_BATCH,
    PhotoBatchAnswer,
    PhotoBatchRequest,
    photo_digest_field,
)


def _digest(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


def _body(data: object) -> bytes:
    return json.dumps(data).encode()


def test_a_request_goes_there_and_back_with_its_digests_in_order() -> None:
    request = PhotoBatchRequest("kiosk-1", (_digest(2), _digest(1)))
    assert PhotoBatchRequest.from_body(_body(request.to_dict())) == request


def test_a_digest_named_twice_is_asked_for_once() -> None:
    body = _body({"kiosk_id": "kiosk-1", "digests": [_digest(1), _digest(2), _digest(1)]})
    assert PhotoBatchRequest.from_body(body).digests == (_digest(1), _digest(2))


def test_more_digests_than_a_batch_holds_are_refused_as_too_large() -> None:
    digests = [_digest(n) for n in range(MAX_PHOTO_BATCH + 1)]
    with pytest.raises(WireFormatError) as refused:
        PhotoBatchRequest.from_body(_body({"kiosk_id": "kiosk-1", "digests": digests}))
    assert refused.value.code == ErrorCode.BATCH_TOO_LARGE
    full = PhotoBatchRequest.from_body(_body({"kiosk_id": "k", "digests": digests[:-1]}))
    assert len(full.digests) == MAX_PHOTO_BATCH


@pytest.mark.parametrize(
    "body",
    [
        {"kiosk_id": "kiosk-1", "digests": []},
        {"kiosk_id": "kiosk-1", "digests": ["AB" * 32]},  # upper case
        {"kiosk_id": "kiosk-1", "digests": ["ab" * 31]},  # too short
        {"kiosk_id": "kiosk-1", "digests": "ab" * 32},  # not a list
        {"kiosk_id": "", "digests": ["ab" * 32]},
        ["kiosk-1"],
    ],
)
def test_a_request_without_the_shape_is_a_bad_request(body: object) -> None:
    with pytest.raises(WireFormatError) as refused:
        PhotoBatchRequest.from_body(_body(body))
    assert refused.value.code == ErrorCode.BAD_REQUEST


def test_a_request_that_is_not_json_is_bad_json() -> None:
    with pytest.raises(WireFormatError) as refused:
        PhotoBatchRequest.from_body(b'{"kiosk_id": "k", "digests": [')
    assert refused.value.code == ErrorCode.BAD_JSON


def test_photo_digest_field_takes_64_lowercase_hex_digits_only() -> None:
    assert photo_digest_field(_digest(1)) == _digest(1)
    for bad in (None, 7, _digest(1)[:-1] + "g", _digest(1) + "0"):
        with pytest.raises(WireFormatError):
            photo_digest_field(bad)


def test_an_answer_goes_there_and_back_with_the_photos_bytes_as_they_are() -> None:
    photos = {_digest(1): b"\xff\xd8first\n\xff\xd9", _digest(2): b"", _digest(3): b"\n" * 5}
    answer = PhotoBatchAnswer(photos, refused=[_digest(4)], later=[_digest(5)])
    wire = answer.to_bytes()
    assert b"base64" not in wire and wire.endswith(b"\xff\xd8first\n\xff\xd9" + b"\n" * 5)
    back = PhotoBatchAnswer.from_bytes(wire)
    assert dict(back.photos) == photos
    assert list(back.refused) == [_digest(4)] and list(back.later) == [_digest(5)]


def test_an_answer_whose_sizes_do_not_add_up_to_its_bytes_is_refused() -> None:
    wire = PhotoBatchAnswer({_digest(1): b"abcdef"}).to_bytes()
    for broken in (wire[:-1], wire + b"x"):
        with pytest.raises(WireFormatError):
            PhotoBatchAnswer.from_bytes(broken)


@pytest.mark.parametrize(
    "wire",
    [
        b"",
        b"not json\n",
        b'{"photos": [["' + b"ab" * 32 + b'", -1]]}\n',
        b'{"photos": [["' + b"ab" * 32 + b'", "6"]]}\nabcdef',
        b'{"photos": [["nohex", 6]]}\nabcdef',
        b'{"refused": []}\n',
        b'{"photos": [], "later": "x"}\n',
    ],
)
def test_an_answer_without_the_shape_is_refused(wire: bytes) -> None:
    with pytest.raises(WireFormatError):
        PhotoBatchAnswer.from_bytes(wire)

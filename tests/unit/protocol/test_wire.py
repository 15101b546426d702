"""The wire messages: the JSON shapes of push, pull and head, both ways."""

from __future__ import annotations

import json

import pytest

from protocol.checkpoint import HeadAnswer
from protocol.wire import (
    MAX_PUSH_EVENTS,
    PULL_COLUMNS,
    ErrorAnswer,
    ErrorCode,
    EventResult,
    InvalidReason,
    PullEntity,
    PullPage,
    PullQuery,
    PushAnswer,
    PushRequest,
    PushStatus,
    RejectReason,
    WireFormatError,
)


def test_push_answer_round_trips_through_json() -> None:
    answer = PushAnswer(
        "k1",
        4,
        [
            EventResult("e1", 4, PushStatus.ACCEPTED),
            EventResult("e2", 5, PushStatus.REJECTED, RejectReason.CARD_BLOCKED),
            EventResult("e3", 9, PushStatus.GAP),
            EventResult("e4", 3, PushStatus.INVALID, InvalidReason.SEQUENCE_USED, True),
        ],
    )
    data = json.loads(json.dumps(answer.to_dict()))
    assert data["expected_seq"] == 5
    assert data["results"][1] == {
        "event_id": "e2",
        "seq": 5,
        "status": "rejected",
        "reason": "card blocked",
        "duplicate": False,
    }
    assert PushAnswer.from_dict(data) == answer


def test_a_push_answer_without_results_is_refused_and_unreadable_results_left_out() -> None:
    with pytest.raises(WireFormatError, match="answer without results"):
        PushAnswer.from_dict({"kiosk_id": "k1", "head_seq": 0})
    data = {
        "kiosk_id": "k1",
        "head_seq": 2,
        "expected_seq": 3,
        "results": [
            {"event_id": "e1", "seq": 1, "status": "accepted"},
            {"event_id": "e2", "seq": 2, "status": "postponed"},  # a status of a newer central
            "not an object",
        ],
    }
    answer = PushAnswer.from_dict(data)
    assert [r.event_id for r in answer.results] == ["e1"]
    assert answer.expected_seq == 3


@pytest.mark.parametrize(
    ("body", "code", "detail"),
    [
        ([], ErrorCode.BAD_REQUEST, "expected an object"),
        ({"events": []}, ErrorCode.BAD_REQUEST, "kiosk_id and events are required"),
        ({"kiosk_id": "k1", "events": {}}, ErrorCode.BAD_REQUEST, "kiosk_id and events"),
        (
            {"kiosk_id": "k1", "events": [{}] * (MAX_PUSH_EVENTS + 1)},
            ErrorCode.BATCH_TOO_LARGE,
            f"at most {MAX_PUSH_EVENTS} events per batch",
        ),
        ({"kiosk_id": "k1", "events": [{}, 3]}, ErrorCode.BAD_REQUEST, "events must be objects"),
    ],
)
def test_a_push_request_of_the_wrong_shape_names_its_error_code(
    body: object, code: ErrorCode, detail: str
) -> None:
    with pytest.raises(WireFormatError) as caught:
        PushRequest.from_dict(body)
    assert caught.value.code is code
    assert detail in caught.value.detail


def test_a_push_request_round_trips() -> None:
    request = PushRequest("k1", [{"event_id": "e1"}])
    assert PushRequest.from_dict(json.loads(json.dumps(request.to_dict()))) == request


def test_pull_query_parameters() -> None:
    assert PullQuery.from_params({"kiosk_id": "k1"}) == PullQuery("k1", 0, 20_000)
    query = PullQuery("k1", 40, 500)
    assert PullQuery.from_params({k: str(v) for k, v in query.to_params().items()}) == query
    with pytest.raises(WireFormatError) as caught:
        PullQuery.from_params({"kiosk_id": "k1", "cursor": "ten"})
    assert caught.value.code is ErrorCode.BAD_REQUEST


def test_a_pull_page_reads_its_tables_by_column() -> None:
    text = json.dumps(
        {
            "cursor": 12,
            "more": True,
            "tables": {
                "holder": {"columns": list(PULL_COLUMNS[PullEntity.HOLDER]), "rows": []},
                "card": {
                    "columns": list(PULL_COLUMNS[PullEntity.CARD]),
                    "rows": [[12, "S1", "KK", "H1", "701", "active", {}]],
                },
            },
        }
    )
    page = PullPage.from_dict(json.loads(text), cursor=3)
    assert (page.cursor, page.more) == (12, True)
    card = page.table(PullEntity.CARD)
    assert card.rows[0][card.index()["state"]] == "active"
    assert page.table(PullEntity.PUK).rows == ()
    assert PullPage.from_dict({"tables": {}}, cursor=3) == PullPage(3, False, {})


def test_pull_entities_and_their_columns() -> None:
    assert list(PULL_COLUMNS) == list(PullEntity)
    for columns in PULL_COLUMNS.values():
        assert columns[0] == "change_id"


def test_head_and_error_answers() -> None:
    head = HeadAnswer("k1", 0, "0" * 64)
    assert HeadAnswer.from_dict(head.to_dict()) == head
    with pytest.raises(WireFormatError):
        HeadAnswer.from_dict({"kiosk_id": "k1"})
    assert ErrorAnswer(ErrorCode.UNKNOWN_KIOSK, "kiosk not registered").to_dict() == {
        "error": "unknown_kiosk",
        "detail": "kiosk not registered",
    }


def test_a_head_answer_says_what_the_central_holds() -> None:
    head = HeadAnswer("k1", 4, "ab" * 32, (7, 9))
    assert HeadAnswer.from_dict(head.to_dict()) == head
    assert [seq for seq in range(1, 11) if head.holds(seq)] == [1, 2, 3, 4, 7, 9]
    # a central that does not list what it holds ahead: nothing ahead
    assert HeadAnswer.from_dict({"kiosk_id": "k1", "head_seq": 2, "head_hash": "0"}).ahead == ()

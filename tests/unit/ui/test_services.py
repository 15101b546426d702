"""The counter services without the UI: lookup classification, masking, ages, login's
challenge check, card test verdicts."""

from __future__ import annotations

import datetime as dt

import pytest

from clock import FixedClock, local_date
from kiosk.services.errors import ChallengeFailedError, NoCardInReaderError
from kiosk.services.lookup import QueryKind, classify, mask_personnummer
from kiosk.services.ports import ReaderRole
from kiosk.services.status import OFFLINE, StatusService, format_age
from tests.support.ui_world import build_world


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("19850312-2387", QueryKind.PERSONNUMMER),
        ("850312-2387", QueryKind.PERSONNUMMER),
        ("198503122387", QueryKind.PERSONNUMMER),
        ("9752269000000201", QueryKind.SERIAL),
        ("Åsa Öberg", QueryKind.NAME),
    ],
)
def test_classify_query(text: str, kind: QueryKind) -> None:
    assert classify(text) is kind


def test_mask_hides_the_last_four_digits() -> None:
    assert mask_personnummer("19850312-2387") == "850312-XXXX"  # as on the receipt
    assert "2387" not in mask_personnummer("198503122387")


def test_format_age() -> None:
    assert [format_age(v) for v in (None, 5, 125, 7300, 200000)] == ["-", "5s", "2m", "2h", "2d"]


def test_status_service_shows_offline_when_the_source_fails() -> None:
    class Broken:
        def figures(self):  # type: ignore[no-untyped-def]
            raise RuntimeError("outbox unreadable")

    assert StatusService(Broken()).figures() == OFFLINE
    assert StatusService(None).figures() == OFFLINE


def test_login_refuses_a_signature_that_does_not_verify(clock: FixedClock) -> None:
    world = build_world(clock)
    world.insert("operator", "clerk")
    real_open = world.readers.open

    class Forged:
        def __init__(self, inner):  # type: ignore[no-untyped-def]
            self._inner = inner

        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(self._inner, name)

        def sign(self, slot: int, message: bytes) -> bytes:
            return self._inner.sign(slot, message + b"!")  # signs something else

    world.readers.open = lambda role: Forged(real_open(role))  # type: ignore[method-assign]
    with pytest.raises(ChallengeFailedError):
        world.services.login.login("123456")


def test_login_uses_a_fresh_challenge_each_time(clock: FixedClock) -> None:
    world = build_world(clock)
    world.insert("operator", "clerk")
    seen: list[bytes] = []
    real_open = world.readers.open

    class Spy:
        def __init__(self, inner):  # type: ignore[no-untyped-def]
            self._inner = inner

        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(self._inner, name)

        def sign(self, slot: int, message: bytes) -> bytes:
            seen.append(message)
            return self._inner.sign(slot, message)

    world.readers.open = lambda role: Spy(real_open(role))  # type: ignore[method-assign]
    world.services.login.login("123456")
    world.services.login.login("123456")
    assert len(seen) == 2 and seen[0] != seen[1] and len(seen[0]) == 32


def test_empty_reader_is_a_typed_error(clock: FixedClock) -> None:
    world = build_world(clock)
    with pytest.raises(NoCardInReaderError):
        world.readers.open(ReaderRole.CUSTOMER)


def test_r13_card_test_report_on_a_good_card(clock: FixedClock, today: dt.date) -> None:
    world = build_world(clock)
    world.insert("customer", "asa")
    report = world.services.card_check.run("123456")
    assert report.pin_ok and report.signing_present and report.chain and report.chain.ok
    assert report.verdict.value == "ok"
    assert all(line.not_after > today for line in report.certificates)
    assert {line.slot for line in report.certificates} == {0x9A, 0x9C, 0x9D, 0x9E}
    assert local_date(world.clock()) == today

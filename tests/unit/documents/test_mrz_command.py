"""``kiosk mrz check``: one JSON object on stdout, exit 0/1/2."""

from __future__ import annotations

import io
import json

import pytest

from kiosk.cli import main
from tests.unit.documents.zones import SPECIMEN_TD1, SWEDISH_PASSPORT


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str,
        *args: str) -> tuple[int, dict[str, object]]:  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code = main(["mrz", "check", "--today", "2026-11-28", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_valid_swedish_passport_exits_0(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, data = run(monkeypatch, capsys, "\n".join(SWEDISH_PASSPORT) + "\n")
    assert code == 0
    assert data["valid"] is True
    assert data["personnummer"] == "198503122387"
    assert data["checks"] == {
        "document_number": True, "birth_date": True, "expiry_date": True,
        "optional_data": True, "composite": True,
    }  # fmt: skip
    assert data["errors"] == []


def test_expired_specimen_exits_1_with_clerk_readable_error(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, data = run(monkeypatch, capsys, "\n".join(SPECIMEN_TD1), "--lang", "sv")
    assert code == 1
    assert data["expired"] is True
    assert data["format"] == "TD1"
    assert data["expiry_date"] == "2012-04-15"
    assert data["errors"] == ["Handlingen gick ut 2012-04-15."]


def test_failing_check_digit_exits_1(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    lines = (SWEDISH_PASSPORT[0], SWEDISH_PASSPORT[1][:9] + "2" + SWEDISH_PASSPORT[1][10:])
    code, data = run(monkeypatch, capsys, "\n".join(lines), "--lang", "en")
    assert code == 1
    assert data["checks"]["document_number"] is False  # type: ignore[index]
    assert any("document number" in e for e in data["errors"])  # type: ignore[attr-defined]


def test_errors_are_swedish_by_default(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, data = run(monkeypatch, capsys, "\n".join(SPECIMEN_TD1))
    assert code == 1
    assert data["errors"] == ["Handlingen gick ut 2012-04-15."]


@pytest.mark.parametrize("text", ["", "hello\n", "P<UTO\nL898\n", "x" * 44 + "\n" + "y" * 44])
def test_unreadable_input_exits_2(monkeypatch, capsys, text: str) -> None:  # type: ignore[no-untyped-def]
    code, data = run(monkeypatch, capsys, text)
    assert code == 2
    assert data["valid"] is False
    assert data["errors"]

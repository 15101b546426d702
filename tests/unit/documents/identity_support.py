"""What the identity check service's tests share: the key, the instant, the holders, an
in-memory recorder, builders for scanned and typed documents, and the ``recorder`` and
``service`` fixtures (``conftest.py`` offers them to every test module here)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kiosk.documents import mrz
from kiosk.documents.kinds import DocumentKind, ManualEntry
from kiosk.services.identity import Holder, IdentityCheckRecord, IdentityCheckService
from tests.unit.documents.zones import TODAY

KEY = b"k" * 32
NOW = datetime(2026, 11, 28, 10, 30, tzinfo=UTC)
ASA = Holder(personnummer="198503122387", surname="Öberg", given_names="Åsa Linnéa")
JONS = Holder(personnummer="199207045486", surname="Lindqvist", given_names="Jöns Ülrik")
KARI = Holder(personnummer=None, surname="Haugen", given_names="Kari")


class Recorder:
    """In-memory stand-in for the journal-backed recorder (wired by the app)."""

    def __init__(self) -> None:
        self.records: list[IdentityCheckRecord] = []

    def record(self, record: IdentityCheckRecord) -> str:
        self.records.append(record)
        return f"event-{len(self.records)}"


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def service(recorder: Recorder) -> IdentityCheckService:
    return IdentityCheckService(recorder, KEY)


def scanned(lines: tuple[str, ...], today: date = TODAY) -> mrz.MrzResult:
    return mrz.parse(lines, today)


def manual(kind: DocumentKind, **changes: object) -> ManualEntry:
    values: dict[str, object] = {
        "kind": kind,
        "issuing_state": "SWE",
        "document_number": "K1234567",
        "surname": "Öberg",
        "given_names": "Åsa Linnéa",
        "expiry_date": date(2029, 5, 1),
        "birth_date": date(1985, 3, 12),
        "personnummer": "198503122387",
    }
    values.update(changes)
    return ManualEntry(**values)  # type: ignore[arg-type]

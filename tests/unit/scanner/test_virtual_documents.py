"""The virtual scanner's documents are what their names say, on any day."""

from __future__ import annotations

from datetime import date

import pytest

from devices.scanner.framing import encode
from devices.virtual.scanner import SPECIMENS, UnknownVirtualDocumentError, VirtualScanner
from kiosk.commands.virtual_scanner import DOCUMENT_NAMES, FRAMINGS
from kiosk.demo_documents import demo_documents
from kiosk.documents import mrz


def test_command_offers_every_document_and_framing(today: date) -> None:
    from devices.scanner.framing import FRAMINGS as DEVICE_FRAMINGS
    from kiosk.config import FRAMINGS as CONFIG_FRAMINGS

    assert set(DOCUMENT_NAMES) == set(demo_documents(today))
    assert FRAMINGS == DEVICE_FRAMINGS == CONFIG_FRAMINGS


@pytest.mark.parametrize(
    ("name", "valid", "expired", "personnummer"),
    [
        ("specimen-td1", False, True, None),
        ("specimen-td2", False, True, None),
        ("specimen-td3", False, True, None),
        ("swedish-passport", True, False, "198503122387"),
        ("swedish-id-card", True, False, "199207045486"),
        ("foreign-passport", True, False, None),
        ("expired-swedish-passport", False, True, "196111209018"),
        ("misread-swedish-passport", False, False, "198503122387"),
        ("cecilia-passport", True, False, "197805141236"),
    ],
)
def test_documents_parse_as_named(
    today: date, name: str, valid: bool, expired: bool, personnummer: str | None
) -> None:
    result = mrz.parse(demo_documents(today)[name], today)
    assert (result.valid, result.expired, result.personnummer) == (valid, expired, personnummer)
    if name.startswith("misread"):
        assert result.checks["document_number"] is False


def test_the_specimens_are_part_of_the_demo_documents(today: date) -> None:
    documents = demo_documents(today)
    assert {name: documents[name] for name in SPECIMENS} == dict(SPECIMENS)


def test_unknown_document_is_a_typed_error() -> None:
    with VirtualScanner.open("crlf") as scanner:
        with pytest.raises(UnknownVirtualDocumentError):
            scanner.scan("library-card")
        with pytest.raises(UnknownVirtualDocumentError):
            scanner.scan("swedish-passport")  # without documents given: the specimens only
        assert scanner.path.startswith("/dev/")
    assert not scanner.is_open


def test_scanner_frames_the_documents_it_is_given(today: date) -> None:
    documents = demo_documents(today)
    with VirtualScanner.open("crlf", documents=documents) as scanner:
        assert scanner.frame("swedish-passport") == encode("crlf", documents["swedish-passport"])
        assert scanner.frame("specimen-td3") == encode("crlf", SPECIMENS["specimen-td3"])

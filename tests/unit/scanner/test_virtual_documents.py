"""The virtual scanner's documents are what their names say."""

from __future__ import annotations

from datetime import date

import pytest

from devices.virtual.scanner import DOCUMENTS, UnknownVirtualDocumentError, VirtualScanner
from kiosk.commands.virtual_scanner import DOCUMENT_NAMES, FRAMINGS
from kiosk.documents import mrz

TODAY = date(2026, 11, 28)


def test_command_offers_every_document_and_framing() -> None:
    from devices.scanner.framing import FRAMINGS as DEVICE_FRAMINGS
    from kiosk.config import FRAMINGS as CONFIG_FRAMINGS

    assert set(DOCUMENT_NAMES) == set(DOCUMENTS)
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
    ],
)
def test_documents_parse_as_named(
    name: str, valid: bool, expired: bool, personnummer: str | None
) -> None:
    result = mrz.parse(DOCUMENTS[name], TODAY)
    assert (result.valid, result.expired, result.personnummer) == (valid, expired, personnummer)
    if name.startswith("misread"):
        assert result.checks["document_number"] is False


def test_unknown_document_is_a_typed_error() -> None:
    with VirtualScanner.open("crlf") as scanner:
        with pytest.raises(UnknownVirtualDocumentError):
            scanner.scan("library-card")
        assert scanner.path.startswith("/dev/")
    assert not scanner.is_open

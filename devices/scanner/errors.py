"""Typed errors of the serial document scanner (catalogue area: documents)."""

from __future__ import annotations

from devices.errors import DeviceError


class ScannerError(DeviceError):
    key = "error.scanner"
    english = "The document scanner did not answer as expected."


class ScannerUnpluggedError(ScannerError):
    key = "error.scanner.unplugged"
    hint_key = "hint.scanner.unplugged"
    english = "The document scanner on {port} was disconnected."


class ScannerOpenError(ScannerError):
    key = "error.scanner.open_failed"
    hint_key = "hint.scanner.open_failed"
    english = "The document scanner on {port} could not be opened."


class UnknownFramingError(ScannerError):
    key = "error.scanner.framing"
    english = "Unknown scanner framing: {framing}."


class UnknownVirtualDocumentError(ScannerError):
    key = "error.scanner.virtual_document"
    english = "The virtual scanner has no document called {name}."

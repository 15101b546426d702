"""Typed errors raised by device adapters (card readers, scanners, printers).

Same shape as ``kiosk.errors.KioskError``: a catalogue ``key``, ``params`` and an
English fallback. Params never carry a PIN or a PUK.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DeviceError(Exception):
    key: ClassVar[str] = "error.device"
    hint_key: ClassVar[str | None] = None
    english: ClassVar[str] = "A device did not answer as expected."

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = params
        super().__init__(self.english.format(**params) if params else self.english)

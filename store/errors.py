"""Typed errors raised by the local store, the journal and sync.

Same shape as ``kiosk.errors.KioskError``: a catalogue ``key``, ``params`` and an
English fallback. Params never carry a PIN, a PUK or a personal identity number.
"""

from __future__ import annotations

from typing import Any, ClassVar


class StoreError(Exception):
    key: ClassVar[str] = "error.store"
    hint_key: ClassVar[str | None] = None
    english: ClassVar[str] = "The local store could not complete the operation."

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = params
        super().__init__(self.english.format(**params) if params else self.english)

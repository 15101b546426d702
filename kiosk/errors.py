"""The kiosk's own typed errors (domain rules, configuration, services).

Every user-facing error in the project has the same shape, whichever package raises it:
a catalogue ``key`` (see ``kiosk/locale``), ``params`` for the message, an English
fallback text, and optionally a ``hint_key`` saying what to do next. Devices and store
have their own roots (``devices.errors.DeviceError``, ``store.errors.StoreError``)
so that dependencies point one way; ``kiosk.i18n.Catalogue.error`` renders any of them.
Params never carry a PIN, a PUK or a personal identity number.
"""

from __future__ import annotations

from typing import Any, ClassVar


class KioskError(Exception):
    """Root of the kiosk's errors: a clerk-readable message and what to do next."""

    key: ClassVar[str] = "error.kiosk"
    hint_key: ClassVar[str | None] = None
    english: ClassVar[str] = "Something went wrong in the kiosk."

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = params
        super().__init__(self.english.format(**params) if params else self.english)


class ConfigError(KioskError):
    key = "error.config"
    hint_key = "hint.config"
    english = "Configuration {path}: {problem} (key: {key_name})"

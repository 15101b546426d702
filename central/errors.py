"""Typed errors of the central service.

Same shape as the kiosk's and the store's errors (a catalogue ``key``, ``params``, an
English fallback), so ``kiosk central`` shows them like its own; the texts live in the
kiosk's catalogue (areas ``sync``, ``core`` and ``store``). Params never carry a PUK, a
personal identity number or a key.
"""

from __future__ import annotations

from typing import Any, ClassVar


class CentralError(Exception):
    key: ClassVar[str] = "error.sync"
    hint_key: ClassVar[str | None] = None
    english: ClassVar[str] = "Synchronisation with the central service failed."

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = params
        super().__init__(self.english.format(**params) if params else self.english)


class UnknownKioskError(CentralError):
    key = "error.sync.unknown_kiosk"
    hint_key = "hint.sync.register_kiosk"
    english = "The central service does not know kiosk {kiosk_id}."


class WrongKioskCertificateError(CentralError):
    key = "error.sync.wrong_certificate"
    hint_key = "hint.sync.register_kiosk"
    english = "Kiosk {kiosk_id} presented a certificate the central service has not registered."


class CentralDatabaseError(CentralError):
    key = "error.sync.central_database"
    hint_key = "hint.sync.central_database"
    english = "The central database {url} cannot be used: {problem}"


class CentralConfigError(CentralError):
    """A command-line setting of ``kiosk central`` that cannot be used."""

    key = "error.config"
    hint_key = "hint.config"
    english = "Configuration {path}: {problem} (key: {key_name})"


class CentralExtraMissingError(CentralError):
    """The HTTP server without Starlette and uvicorn (the ``central`` extra)."""

    key = "error.extra.central"
    hint_key = "hint.extra.central"
    english = "The central service needs the 'central' extra ({module} is not installed)."


class CentralPostgresMissingError(CentralError):
    """A PostgreSQL URL without psycopg (the ``postgres`` extra) installed."""

    key = "error.store.postgres_extra"
    hint_key = "hint.store.postgres_extra"
    english = (
        "The database {url} is PostgreSQL, which needs the 'postgres' extra"
        " ({module} is not installed)."
    )


class PhotoDigestMismatchError(CentralError):
    key = "error.sync.photo_digest_mismatch"
    english = "A photo's bytes do not match its digest {digest}."

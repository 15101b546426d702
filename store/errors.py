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


class MissingKeyFileError(StoreError):
    key = "error.store.missing_key_file"
    hint_key = "hint.store.missing_key_file"
    english = "The kiosk's encryption key file {path} does not exist."


class BadKeyFileError(StoreError):
    key = "error.store.bad_key_file"
    hint_key = "hint.store.bad_key_file"
    english = "The kiosk's encryption key file {path} cannot be used: {problem}."


class NotADatabaseError(StoreError):
    key = "error.store.not_a_database"
    hint_key = "hint.store.bad_database"
    english = "The database file {path} is not an SQLite database (corrupted or foreign file)."


class CorruptDatabaseError(StoreError):
    key = "error.store.corrupt_database"
    hint_key = "hint.store.bad_database"
    english = "The database file {path} is damaged: {problem}."


class ForeignDatabaseError(StoreError):
    key = "error.store.foreign_database"
    hint_key = "hint.store.bad_database"
    english = "The database file {path} belongs to another application: {problem}."


class DatabaseUnavailableError(StoreError):
    key = "error.store.unavailable"
    hint_key = "hint.store.unavailable"
    english = "The database {url} cannot be opened: {problem}."


class DecryptionFailedError(StoreError):
    key = "error.store.decryption_failed"
    hint_key = "hint.store.decryption_failed"
    english = "Stored personal data could not be decrypted with this kiosk's key."


class DatabaseMissingError(StoreError):
    key = "error.store.database_missing"
    hint_key = "hint.store.database_missing"
    english = "There is no kiosk database at {path}."


class PostgresExtraMissingError(StoreError):
    """A PostgreSQL URL without psycopg (the ``postgres`` extra) installed."""

    key = "error.store.postgres_extra"
    hint_key = "hint.store.postgres_extra"
    english = (
        "The database {url} is PostgreSQL, which needs the 'postgres' extra"
        " ({module} is not installed)."
    )


class PhotoDigestMismatchError(StoreError):
    key = "error.store.photo_digest_mismatch"
    english = "The photo's bytes do not match the digest that names it."


class JournalDivergedError(StoreError):
    """A new event (other than a card block) while the journal is diverged."""

    key = "error.journal.diverged"
    hint_key = "hint.journal.diverged"
    english = (
        "This kiosk's journal does not match what the central service holds of it "
        "(restored from a backup, cut or rewritten): only card blocks are recorded until "
        "it is repaired."
    )

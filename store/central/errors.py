"""Typed errors of the central service and the sync client (catalogue area ``sync``)."""

from __future__ import annotations

from store.errors import StoreError


class SyncError(StoreError):
    key = "error.sync"
    hint_key = "hint.sync.retry"
    english = "Synchronisation with the central service failed."


class UnknownKioskError(SyncError):
    key = "error.sync.unknown_kiosk"
    hint_key = "hint.sync.register_kiosk"
    english = "The central service does not know kiosk {kiosk_id}."


class WrongKioskCertificateError(SyncError):
    key = "error.sync.wrong_certificate"
    hint_key = "hint.sync.register_kiosk"
    english = "Kiosk {kiosk_id} presented a certificate the central service has not registered."


class CentralUnreachableError(SyncError):
    key = "error.sync.unreachable"
    hint_key = "hint.sync.retry"
    english = "The central service at {url} cannot be reached."


class CentralRefusedError(SyncError):
    key = "error.sync.refused"
    hint_key = "hint.sync.register_kiosk"
    english = "The central service refused the request ({status}): {detail}"


class CentralDatabaseError(SyncError):
    key = "error.sync.central_database"
    hint_key = "hint.sync.central_database"
    english = "The central database {url} cannot be used: {problem}"

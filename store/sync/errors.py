"""Typed errors of the kiosk's sync client (catalogue area ``sync``)."""

from __future__ import annotations

from store.errors import StoreError


class SyncError(StoreError):
    key = "error.sync"
    hint_key = "hint.sync.retry"
    english = "Synchronisation with the central service failed."


class CentralUnreachableError(SyncError):
    key = "error.sync.unreachable"
    hint_key = "hint.sync.retry"
    english = "The central service at {url} cannot be reached."


class CentralRefusedError(SyncError):
    key = "error.sync.refused"
    hint_key = "hint.sync.register_kiosk"
    english = "The central service refused the request ({status}): {detail}"


class ForeignCheckpointError(SyncError):
    """A checkpoint signed by another key than the central's pinned one."""

    key = "error.sync.foreign_checkpoint"
    hint_key = "hint.sync.foreign_checkpoint"
    english = (
        "The central service answered with a checkpoint signed by another key than the one "
        "pinned at registration; the answer was refused."
    )


class ForeignKioskKeyError(SyncError):
    """A checkpoint of the central that names another kiosk key than this journal's."""

    key = "error.sync.foreign_kiosk_key"
    hint_key = "hint.sync.foreign_kiosk_key"
    english = (
        "The central service holds another key for this kiosk than the one its journal is "
        "signed with; new events but card blocks are stopped."
    )


class BadCheckpointError(SyncError):
    """A checkpoint that does not verify, or is not of this kiosk's chain."""

    key = "error.sync.bad_checkpoint"
    hint_key = "hint.sync.foreign_checkpoint"
    english = "The central service answered with a checkpoint that does not verify."

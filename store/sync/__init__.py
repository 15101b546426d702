"""The kiosk side of sync with the central service.

``client`` (:class:`SyncClient`: one round = push the journal outbox, then pull),
``transport`` (HTTP(S), mutual TLS), ``apply_pull`` (a pulled page into the kiosk's
tables), ``worker`` (rounds in a thread with backoff), ``report`` (what a round did,
the status bar's figures), ``errors``. The messages are ``protocol.wire``'s; this
package never imports the central.
"""

from store.sync.client import SyncClient
from store.sync.errors import CentralRefusedError, CentralUnreachableError, SyncError
from store.sync.outbox import mark_many
from store.sync.report import Rejection, RoundReport, SyncStatus
from store.sync.transport import CentralTransport
from store.sync.worker import SyncWorker

__all__ = [
    "CentralRefusedError",
    "CentralTransport",
    "CentralUnreachableError",
    "Rejection",
    "RoundReport",
    "SyncClient",
    "SyncError",
    "SyncStatus",
    "SyncWorker",
    "mark_many",
]

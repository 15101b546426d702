"""Messages that enter the app from device threads and from screens (past tense names).

The device messages (``ReaderChanged``, ``DocumentScanned``) are posted to the app, which
keeps the status bar and posts them on to the screens that handle them
(``on_reader_changed``, ``on_document_scanned``); they do not bubble back up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from kiosk.services.login import LoggedInOperator
    from kiosk.services.ports import CardView, HolderSummary, ReaderEvent, ScanEvent


class ReaderChanged(Message, bubble=False):
    """A card went in or out of a reader (posted from the reader watcher thread)."""

    def __init__(self, event: ReaderEvent) -> None:
        super().__init__()
        self.event = event


class DocumentScanned(Message, bubble=False):
    """The scanner delivered a zone or changed state (posted from the scanner thread)."""

    def __init__(self, event: ScanEvent) -> None:
        super().__init__()
        self.event = event


class LoggedIn(Message):
    """The login screen verified the operator."""

    def __init__(self, identity: LoggedInOperator) -> None:
        super().__init__()
        self.identity = identity


class VisitRequested(Message):
    """A screen asks the app to start a visit (for a holder found in the lookup, with the
    cards on record for them)."""

    def __init__(self, holder: HolderSummary | None = None, cards: Sequence[CardView] = ()) -> None:
        super().__init__()
        self.holder = holder
        self.cards = tuple(cards)


class WorkflowDone(Message):
    """A workflow's transaction committed (``result`` is its ``Done``): the app makes the
    receipt. Posted by the workflow screen the moment the service returned."""

    def __init__(self, result: object) -> None:
        super().__init__()
        self.result = result

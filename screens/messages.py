"""Messages that enter the app from device threads and from screens (past tense names)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from kiosk.services.login import OperatorIdentity
    from kiosk.services.ports import HolderSummary, ReaderEvent, ScanEvent


class ReaderChanged(Message):
    """A card went in or out of a reader (posted from the reader watcher thread)."""

    def __init__(self, event: ReaderEvent) -> None:
        super().__init__()
        self.event = event


class DocumentScanned(Message):
    """The scanner delivered a zone or changed state (posted from the scanner thread)."""

    def __init__(self, event: ScanEvent) -> None:
        super().__init__()
        self.event = event


class LoggedIn(Message):
    """The login screen verified the operator."""

    def __init__(self, identity: OperatorIdentity) -> None:
        super().__init__()
        self.identity = identity


class VisitRequested(Message):
    """A screen asks the app to start a visit (for a holder found in the lookup)."""

    def __init__(self, holder: HolderSummary | None = None) -> None:
        super().__init__()
        self.holder = holder


class WorkflowDone(Message):
    """A workflow's transaction committed (``result`` is its ``Done``): the app makes the
    receipt. Posted by the workflow screen the moment the service returned."""

    def __init__(self, result: object) -> None:
        super().__init__()
        self.result = result

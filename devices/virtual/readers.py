"""Two in-process card readers for the demo and UI tests (no pcscd needed).

Same shape as the real stack: ``list_readers()`` and ``connect(reader)`` like
``devices.card.pcsc.PcscContext``, and the same ``ReaderChange`` objects as
``devices.card.readers.ReaderWatcher``, posted from the thread that inserts or removes
the card (the app's ``post`` must be thread-safe, e.g. ``App.post_message``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from devices.card.errors import NoCardError, ReaderGoneError
from devices.card.readers import CardInserted, CardRemoved, ReaderChange, ReaderRoles
from devices.virtual.card import InProcessConnection, VirtualPivCard
from devices.virtual.pcscd import VPCD_READERS


class VirtualReaderBank:
    """Named readers holding at most one virtual card each."""

    def __init__(
        self, names: tuple[str, ...] = VPCD_READERS, *, roles: ReaderRoles | None = None
    ) -> None:
        self.roles = roles or ReaderRoles()
        self._slots: dict[str, InProcessConnection | None] = dict.fromkeys(names)
        self._listeners: list[Callable[[ReaderChange], None]] = []
        self._lock = threading.Lock()

    def list_readers(self) -> list[str]:
        return list(self._slots)

    def subscribe(self, post: Callable[[ReaderChange], None]) -> None:
        """Receive events; a card already inserted is reported at once."""
        with self._lock:
            self._listeners.append(post)
            present = [(r, c) for r, c in self._slots.items() if c is not None]
        for reader, connection in present:
            assert connection is not None
            post(CardInserted(reader, self.roles.role_of(reader), connection.card.atr))

    def unsubscribe(self, post: Callable[[ReaderChange], None]) -> None:
        with self._lock:
            if post in self._listeners:
                self._listeners.remove(post)

    def _emit(self, event: ReaderChange) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for post in listeners:
            post(event)

    def insert(self, reader: str, card: VirtualPivCard) -> None:
        if reader not in self._slots:
            raise ReaderGoneError()
        self.remove(reader)
        card.power_off()
        with self._lock:
            self._slots[reader] = InProcessConnection(card)
        self._emit(CardInserted(reader, self.roles.role_of(reader), card.atr))

    def remove(self, reader: str) -> None:
        with self._lock:
            connection = self._slots.get(reader)
            self._slots[reader] = None
        if connection is not None:
            connection.remove()
            self._emit(CardRemoved(reader, self.roles.role_of(reader)))

    def card_in(self, reader: str) -> VirtualPivCard | None:
        connection = self._slots.get(reader)
        return connection.card if connection is not None else None

    def connect(self, reader: str) -> InProcessConnection:
        """A connection to the card now in ``reader``; it fails once that card is removed."""
        if reader not in self._slots:
            raise ReaderGoneError()
        connection = self._slots[reader]
        if connection is None:
            raise NoCardError()
        return InProcessConnection(
            connection.card, present=lambda: self._slots.get(reader) is connection
        )

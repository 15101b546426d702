"""Raw exchange with PC/SC readers through pyscard: the ONLY module that imports ``smartcard``.

- ``PcscContext``: list readers, connect, and an owned ``SCardGetStatusChange`` wait that
  another thread can interrupt with ``cancel()`` (no pyscard CardMonitor singleton).
- ``PcscConnection``: ``transmit(bytes) -> bytes`` and ``close()``; PC/SC failures become
  typed errors (card removed, reader gone, ...).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from smartcard import scard

from devices.card.errors import (
    CardRemovedError,
    CardResetError,
    CommunicationError,
    MalformedResponseError,
    NoCardError,
    PcscUnavailableError,
    ReaderGoneError,
)

log = logging.getLogger(__name__)

_MASK = 0xFFFFFFFF


def _code(value: int) -> int:
    return value & _MASK


_OK = _code(scard.SCARD_S_SUCCESS)
_TIMEOUT = _code(scard.SCARD_E_TIMEOUT)
_CANCELLED = _code(scard.SCARD_E_CANCELLED)
_NO_READERS = _code(scard.SCARD_E_NO_READERS_AVAILABLE)
_SERVICE_DOWN = {_code(scard.SCARD_E_NO_SERVICE), _code(scard.SCARD_E_SERVICE_STOPPED)}
_READER_GONE = {
    _code(scard.SCARD_E_UNKNOWN_READER),
    _code(scard.SCARD_E_READER_UNAVAILABLE),
    _code(scard.SCARD_E_INVALID_HANDLE),
}
_CARD_GONE = {_code(scard.SCARD_W_REMOVED_CARD), _code(scard.SCARD_E_NO_SMARTCARD)}
_CARD_RESET = _code(scard.SCARD_W_RESET_CARD)

STATE_PRESENT = scard.SCARD_STATE_PRESENT
_STATUS_ABSENT = 0x0002  # pcsc-lite SCARD_ABSENT in SCardStatus's dwState
STATE_CHANGED = scard.SCARD_STATE_CHANGED
STATE_UNAWARE = scard.SCARD_STATE_UNAWARE
PNP_READER = "\\\\?PnP?\\Notification"


def _raise(code: int, *, no_card_is_removed: bool = False) -> None:
    """Map a PC/SC return code to a typed error."""
    code = _code(code)
    if code in _SERVICE_DOWN:
        raise PcscUnavailableError()
    if code in _READER_GONE:
        raise ReaderGoneError()
    if code in _CARD_GONE:
        raise CardRemovedError() if no_card_is_removed else NoCardError()
    if code == _CARD_RESET:
        raise CardResetError()
    raise CommunicationError(code=f"{code:08X}")


@dataclass(frozen=True)
class ReaderStatus:
    """One reader's state as reported by the status-change wait."""

    name: str
    event_state: int  # pass back as the "current state" of the next wait
    card_present: bool
    atr: bytes


class PcscConnection:
    """An exclusive-enough, shared-mode connection to the card in one reader."""

    def __init__(self, context: PcscContext, reader: str) -> None:
        self.reader = reader
        hresult, handle, protocol = scard.SCardConnect(
            context.handle,
            reader,
            scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        if _code(hresult) != _OK:
            _raise(hresult)
        self._handle = handle
        self._protocol = protocol
        self._closed = False

    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU; return the response APDU (data + SW1 SW2)."""
        hresult, response = scard.SCardTransmit(self._handle, self._protocol, list(apdu))
        if hresult != 0 or len(response) < 2:
            self._diagnose(hresult)
        return bytes(response)

    def _diagnose(self, hresult: int, settle_seconds: float = 1.0) -> None:
        """A failed exchange: tell a pulled card from a line fault.

        The daemon notices a pulled card only at its next poll, so a transmit that fails
        because the card left mid-command first looks like a communication error.
        """
        code = _code(hresult)
        if code in _CARD_GONE or code in _SERVICE_DOWN or code in _READER_GONE:
            _raise(hresult, no_card_is_removed=True)
        if code == _CARD_RESET:
            raise CardResetError()
        deadline = time.monotonic() + settle_seconds
        while time.monotonic() < deadline:
            status = scard.SCardStatus(self._handle)
            if _code(status[0]) != _OK:
                _raise(status[0], no_card_is_removed=True)
            if status[2] & _STATUS_ABSENT:
                raise CardRemovedError()
            time.sleep(0.05)
        if code == _OK:
            raise MalformedResponseError(what="response shorter than a status word")
        raise CommunicationError(code=f"{code:08X}")

    def raw_transmitter(self) -> Callable[[list[int]], tuple[int, list[int]]]:
        """pyscard's own ``SCardTransmit`` bound to this card: the bench's raw baseline."""
        return functools.partial(scard.SCardTransmit, self._handle, self._protocol)

    @property
    def atr(self) -> bytes:
        hresult, _reader, _state, _protocol, atr = scard.SCardStatus(self._handle)
        if _code(hresult) != _OK:
            _raise(hresult, no_card_is_removed=True)
        return bytes(atr)

    def close(self) -> None:
        """Release the card (leave it powered, as other programs expect)."""
        if self._closed:
            return
        self._closed = True
        scard.SCardDisconnect(self._handle, scard.SCARD_LEAVE_CARD)

    def __enter__(self) -> PcscConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PcscConnection(reader={self.reader!r}, closed={self._closed})"


class PcscContext:
    """One PC/SC resource-manager context. Not shared between threads except ``cancel``."""

    def __init__(self) -> None:
        hresult, handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if _code(hresult) != _OK:
            _raise(hresult)
        self.handle = handle
        self._released = False
        self._lock = threading.Lock()

    def list_readers(self) -> list[str]:
        hresult, readers = scard.SCardListReaders(self.handle, [])
        code = _code(hresult)
        if code == _NO_READERS:
            return []
        if code != _OK:
            _raise(hresult)
        return list(readers)

    def connect(self, reader: str) -> PcscConnection:
        return PcscConnection(self, reader)

    def wait_for_change(
        self, current: Mapping[str, int], timeout_seconds: float
    ) -> list[ReaderStatus] | None:
        """Block until a reader's state differs from ``current`` (name → event state).

        Returns the new states, or None on timeout or ``cancel()``. Include ``PNP_READER``
        in ``current`` to wake up when readers are added or removed.
        """
        states = [(name, state) for name, state in current.items()]
        hresult, result = scard.SCardGetStatusChange(
            self.handle, max(0, int(timeout_seconds * 1000)), states
        )
        code = _code(hresult)
        if code in (_TIMEOUT, _CANCELLED):
            return None
        if code != _OK:
            _raise(hresult)
        return [
            ReaderStatus(
                name=name,
                event_state=state & ~STATE_CHANGED,
                card_present=bool(state & STATE_PRESENT),
                atr=bytes(atr),
            )
            for name, state, atr in result
        ]

    def cancel(self) -> None:
        """Interrupt a ``wait_for_change`` running in another thread."""
        with self._lock:
            if not self._released:
                scard.SCardCancel(self.handle)

    def release(self) -> None:
        with self._lock:
            if self._released:
                return
            self._released = True
        scard.SCardReleaseContext(self.handle)

    def __enter__(self) -> PcscContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

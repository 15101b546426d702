"""The virtual card as a TCP client of the vsmartcard ``vpcd`` reader driver.

Wire protocol, both directions: 2-byte big-endian length, then the payload. A 1-byte
payload is a control message (00 power off, 01 power on, 02 reset, 04 get ATR); anything
longer is a command APDU answered by the response APDU. Connecting = card inserted,
closing = card removed. TCP_NODELAY and TCP_QUICKACK (before every recv) keep a round
trip well under a millisecond.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time

from devices.card.errors import VirtualCardNotTakenError
from devices.virtual.card import VirtualPivCard
from devices.virtual.pcscd import VPCD_READERS, wait_for_card

log = logging.getLogger(__name__)

VPCD_BASE_PORT = 35963
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


def reader_name(index: int) -> str:
    return VPCD_READERS[index]


class VpcdCard:
    """Insert a virtual card into vpcd slot ``reader`` (0 or 1); ``remove()`` pulls it."""

    def __init__(
        self,
        card: VirtualPivCard,
        *,
        reader: int = 0,
        host: str = "127.0.0.1",
        port: int | None = None,
        reconnect: bool = True,
    ) -> None:
        self.card = card
        self.reader = reader
        self.reader_name = reader_name(reader) if port is None else f"port {port}"
        self.host = host
        self.port = port if port is not None else VPCD_BASE_PORT + reader
        self.reconnect = reconnect
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._atr_sent = threading.Event()
        self._lock = threading.Lock()
        self._pull_after: int | None = None

    def __repr__(self) -> str:
        return f"VpcdCard(reader={self.reader}, port={self.port}, inserted={self.inserted})"

    @property
    def _on_vpcd_port(self) -> bool:
        """Linked to vpcd's own port for ``reader``, so pcscd reports the card there."""
        return self.port == VPCD_BASE_PORT + self.reader

    @property
    def inserted(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def insert(self, *, timeout: float = 5.0, wait_pcsc: bool = True) -> None:
        """Connect to vpcd; return once vpcd asked for the ATR (and pcscd sees the card)."""
        if self._thread is not None:
            raise RuntimeError("card already inserted")
        self._stop.clear()
        self._atr_sent.clear()
        self._thread = threading.Thread(
            target=self._run, name=f"vpcd-card-{self.port}", daemon=True
        )
        self._thread.start()
        if not self._atr_sent.wait(timeout):
            self.remove(wait_pcsc=False)
            raise VirtualCardNotTakenError()
        if wait_pcsc and self._on_vpcd_port and not wait_for_card(self.reader_name, True, timeout):
            self.remove(wait_pcsc=False)
            raise VirtualCardNotTakenError()

    def remove(self, *, timeout: float = 5.0, wait_pcsc: bool = True) -> None:
        """Close the link (card pulled); optionally wait until pcscd reports the slot empty."""
        self._stop.set()
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        self.card.power_off()
        if wait_pcsc and self._on_vpcd_port:
            wait_for_card(self.reader_name, present=False, timeout=timeout)

    def pull_after(self, apdus: int) -> None:
        """Pull the card while it is busy: the ``apdus``-th command from now gets no answer
        and the link closes (tests of a card removed in the middle of an operation)."""
        self._pull_after = apdus

    def __enter__(self) -> VpcdCard:
        self.insert()
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    # -- link ------------------------------------------------------------------------------

    def _connect(self) -> socket.socket | None:
        while not self._stop.is_set():
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
            except OSError:
                self._stop.wait(0.05)
                continue
            if sock.getsockname() == sock.getpeername():
                # no vpcd listening: the kernel may pick the vpcd port itself as the local
                # port and connect the socket to itself (TCP simultaneous open), which would
                # hold the port against a pcscd that starts later
                sock.close()
                self._stop.wait(0.05)
                continue
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                if self._stop.is_set():
                    sock.close()
                    return None
                self._sock = sock
            return sock
        return None

    def _run(self) -> None:
        while not self._stop.is_set():
            sock = self._connect()
            if sock is None:
                return
            try:
                self._serve(sock)
            except OSError:
                pass
            finally:
                with self._lock:
                    if self._sock is sock:
                        self._sock = None
                sock.close()
            self.card.power_off()
            if not self.reconnect:
                return
            self._stop.wait(0.05)

    def _recv_exact(self, sock: socket.socket, size: int) -> bytes | None:
        data = b""
        while len(data) < size:
            if _QUICKACK is not None:
                sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            chunk = sock.recv(size - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def _serve(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            header = self._recv_exact(sock, 2)
            if header is None:
                return
            length = int.from_bytes(header, "big")
            payload = self._recv_exact(sock, length) if length else b""
            if payload is None:
                return
            if len(payload) == 1:
                control = payload[0]
                if control in (0x00, 0x01, 0x02):
                    self.card.power_off()
                elif control == 0x04:
                    atr = self.card.atr
                    sock.sendall(len(atr).to_bytes(2, "big") + atr)
                    self._atr_sent.set()
                continue
            if self._pull_after is not None:
                self._pull_after -= 1
                if self._pull_after <= 0:
                    self._pull_after = None
                    self._stop.set()
                    return
            response = self.card.transmit(payload)
            sock.sendall(len(response).to_bytes(2, "big") + response)


def insert_until_interrupted(card: VpcdCard, *, poll: float = 0.5) -> None:
    """Insert, then block until Ctrl-C; always remove (used by ``kiosk virtual-card``),
    also after a Ctrl-C that comes while the insert still waits for pcscd."""
    try:
        card.insert()
        while True:
            time.sleep(poll)
    finally:
        card.remove()

"""The serial MRZ scanner: the one module of the project that imports pyserial.

``SerialScannerReader`` owns a thread that opens the configured port, feeds the bytes to
the configured framer and hands plain event objects to a callback (it never touches the
UI: the app forwards them with ``call_from_thread``). When the scanner is unplugged the
read fails: a ``ScannerDisconnected`` event goes out and the thread reopens the same
port path with exponential backoff until the scanner is back (``ScannerConnected``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import serial

from devices.scanner.errors import ScannerError, ScannerOpenError, ScannerUnpluggedError
from devices.scanner.framing import FramerOutput, Rejected, Zone, make_framer

log = logging.getLogger(__name__)

_PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}
_STOP_BITS = {1: serial.STOPBITS_ONE, 2: serial.STOPBITS_TWO}
STABLE_CONNECTION_SECONDS = 2.0


class ScannerSettings(Protocol):
    """What the reader needs; ``kiosk.config.ScannerConfig`` has exactly these fields."""

    @property
    def port(self) -> str: ...
    @property
    def framing(self) -> str: ...
    @property
    def baud(self) -> int: ...
    @property
    def parity(self) -> str: ...
    @property
    def stop_bits(self) -> int: ...
    @property
    def frame_timeout_ms(self) -> int: ...


@dataclass(frozen=True)
class SerialSettings:
    port: str
    framing: str = "crlf"
    baud: int = 9600
    parity: str = "N"
    stop_bits: int = 1
    frame_timeout_ms: int = 500


@dataclass(frozen=True)
class ScannerConnected:
    port: str
    at: float


@dataclass(frozen=True)
class ScannerDisconnected:
    port: str
    error: ScannerError
    at: float


@dataclass(frozen=True)
class ZoneScanned:
    lines: tuple[str, ...] = field(repr=False)
    at: float  # monotonic time the frame was complete (read and framed)


@dataclass(frozen=True)
class ScanRejected:
    reason: str  # framing.REJECT_*; catalogue key "scanner.rejected.<reason>"
    at: float


ScannerEvent = ScannerConnected | ScannerDisconnected | ZoneScanned | ScanRejected


class SerialScannerReader:
    """Reads zones from a serial scanner in a thread; start/stop are idempotent."""

    def __init__(
        self,
        settings: ScannerSettings,
        on_event: Callable[[ScannerEvent], None],
        *,
        backoff_initial: float = 0.1,
        backoff_max: float = 5.0,
        poll_interval: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        make_framer(settings.framing, 1.0)  # unknown framing: fail now, not in the thread
        self.settings = settings
        self._on_event = on_event
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._poll = poll_interval
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: Any = None
        self._lock = threading.Lock()
        self.connected = False

    def __enter__(self) -> SerialScannerReader:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="mrz-scanner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        with self._lock:
            port = self._port
        if port is not None:
            try:
                port.cancel_read()
            except Exception:  # best effort; the poll timeout ends the read too
                log.debug("cancel_read failed", exc_info=True)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    # --- the thread ------------------------------------------------------------------

    def _emit(self, event: ScannerEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # a faulty listener must not kill the reader
            log.exception("scanner event listener failed")

    def _open(self) -> Any:
        s = self.settings
        return serial.serial_for_url(
            s.port,
            baudrate=s.baud,
            parity=_PARITY.get(s.parity, serial.PARITY_NONE),
            stopbits=_STOP_BITS.get(s.stop_bits, serial.STOPBITS_ONE),
            bytesize=serial.EIGHTBITS,
            timeout=self._poll,
        )

    def _run(self) -> None:
        port_name = self.settings.port
        delay = self._backoff_initial
        down_reported = False
        while not self._stop.is_set():
            try:
                port = self._open()
            except (serial.SerialException, OSError, ValueError):
                if not down_reported:
                    self._emit(
                        ScannerDisconnected(
                            port_name, ScannerOpenError(port=port_name), self._clock()
                        )
                    )
                    down_reported = True
                self._stop.wait(delay)
                delay = min(delay * 2, self._backoff_max)
                continue
            with self._lock:
                self._port = port
            opened_at = self._clock()
            down_reported = False
            self.connected = True
            self._emit(ScannerConnected(port_name, opened_at))
            try:
                self._read_loop(port)
            except (serial.SerialException, OSError, TypeError):
                # TypeError: pyserial on a port closed under it (fd None) after stop().
                if not self._stop.is_set():
                    self._emit(
                        ScannerDisconnected(
                            port_name, ScannerUnpluggedError(port=port_name), self._clock()
                        )
                    )
                    down_reported = True
            finally:
                self.connected = False
                with self._lock:
                    self._port = None
                try:
                    port.close()
                except Exception:  # the device is gone already
                    log.debug("closing the scanner port failed", exc_info=True)
            if not self._stop.is_set() and down_reported:
                # A port that opens but fails at once must not reconnect in a tight loop:
                # the backoff only starts over after a connection that lasted.
                if self._clock() - opened_at >= STABLE_CONNECTION_SECONDS:
                    delay = self._backoff_initial
                self._stop.wait(delay)
                delay = min(delay * 2, self._backoff_max)

    def _read_loop(self, port: Any) -> None:
        framer = make_framer(self.settings.framing, self.settings.frame_timeout_ms / 1000)
        clock = self._clock
        while not self._stop.is_set():
            data: bytes = port.read(1)
            if data:
                waiting = port.in_waiting
                if waiting:
                    data += port.read(waiting)
                outputs = framer.feed(data, clock())
            else:
                outputs = framer.expire(clock())
            for output in outputs:
                self._emit(self._event(output))

    def _event(self, output: FramerOutput) -> ScannerEvent:
        now = self._clock()
        if isinstance(output, Zone):
            return ZoneScanned(output.lines, now)
        assert isinstance(output, Rejected)
        return ScanRejected(output.reason, now)

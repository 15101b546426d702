"""Adapters from the device layer (``devices/``) to the kiosk's ports.

* ``PivCardSession``: the card protocol (``kiosk.services.card.CardSession``) over
  ``devices.card.piv.PivSession`` on any APDU connection (PC/SC or an in-process virtual
  card); ``connection_opener`` and ``pcsc_opener`` open one as a ``CardOpener``.
* ``InProcessReaders``: two in-process virtual readers (the demo and the pilot tests):
  ``CardAccess`` and ``DeviceMonitor`` at once, with ``insert``/``remove``/``scan``; the
  demo's cards and documents on them are ``kiosk.services.demo_controls``'s.
* ``PcscCards`` and ``PcscMonitor``: the real PC/SC readers, the reader watcher thread and
  the serial scanner thread, reporting as ``ReaderEvent``/``ScanEvent``.

The container decides which of them to build.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar

from devices.card.pin import PinKind, PinState
from kiosk.services.card import CardCapability, CardKey, CardOpener, CardSession
from kiosk.services.errors import NoCardInReaderError
from kiosk.services.ports import (
    ReaderCallback,
    ReaderEvent,
    ReaderRole,
    ScanCallback,
    ScanEvent,
)

if TYPE_CHECKING:
    from devices.card.pcsc import PcscContext
    from devices.card.piv import Connection
    from devices.card.reader_role import ReaderAssignment
    from devices.card.readers import ReaderChange, ReaderWatcher
    from devices.scanner.serial_port import ScannerEvent, SerialScannerReader, SerialSettings
    from devices.virtual.card import InProcessConnection, VirtualPivCard

# PIV: one PIN serves login and signing; the card counts the tries left.
PIV_CAPABILITIES = frozenset(
    {
        CardCapability.VERIFY_PIN,
        CardCapability.CHANGE_PIN,
        CardCapability.UNBLOCK_PIN,
        CardCapability.SIGN,
        CardCapability.EXACT_PIN_COUNT,
    }
)


class PivCardSession:
    """``CardSession`` over a PIV session; ``close`` releases the connection.

    PIV has one PIN for login and signing, so every ``PinKind`` is that PIN.
    """

    def __init__(self, connection: Connection, on_close: Callable[[], None] | None = None) -> None:
        from devices.card.piv import PivSession

        self._on_close = on_close
        try:
            self._piv = PivSession(connection)
        except Exception:
            self.close()
            raise

    def capabilities(self) -> frozenset[CardCapability]:
        return PIV_CAPABILITIES

    def printed_serial(self) -> str | None:
        info = self._piv.read_printed_info()
        return info.card_serial if info is not None and info.card_serial else None

    def card_serial(self) -> str | None:
        serial = self.printed_serial()
        if serial is not None:
            return serial
        chuid = self._piv.read_chuid()
        return str(chuid.guid) if chuid is not None else None

    def certificate(self, key: CardKey) -> bytes | None:
        from cryptography.hazmat.primitives.serialization import Encoding

        from devices.card.piv import Slot

        cert = self._piv.read_certificate(Slot(key.value))
        return None if cert is None else cert.public_bytes(Encoding.DER)

    def pin_state(self, kind: PinKind = PinKind.LOGIN) -> PinState:
        tries = self._piv.pin_retries()
        return PinState.already_verified() if tries is None else PinState.exact(tries)

    def verify_pin(self, pin: str, *, kind: PinKind = PinKind.LOGIN) -> None:
        self._piv.verify_pin(pin)

    def change_pin(self, current: str, new: str, *, kind: PinKind = PinKind.LOGIN) -> None:
        self._piv.change_pin(current, new)

    def unblock_pin(self, puk: str, new_pin: str, *, kind: PinKind = PinKind.LOGIN) -> None:
        self._piv.unblock_with_puk(puk, new_pin)

    def sign(self, key: CardKey, message: bytes) -> bytes:
        return self.sign_digest(key, hashlib.sha256(message).digest())

    def sign_digest(self, key: CardKey, digest: bytes) -> bytes:
        from devices.card.piv import Slot

        return self._piv.sign_prehashed(Slot(key.value), digest)

    def close(self) -> None:
        closer, self._on_close = self._on_close, None
        if closer is not None:
            closer()


def connection_opener(connect: Callable[[], Connection]) -> CardOpener:
    """A ``CardOpener`` over any APDU connection factory (in-process virtual cards); a
    connection with a ``close`` method is closed after."""

    @contextmanager
    def opener() -> Iterator[CardSession]:
        connection = connect()
        close = getattr(connection, "close", None)
        session = PivCardSession(connection, close if callable(close) else None)
        try:
            yield session
        finally:
            session.close()

    return opener


def _pcsc_session(pick_reader: Callable[[PcscContext], str]) -> PivCardSession:
    """A ``PivCardSession`` on the PC/SC reader ``pick_reader`` names; closing it
    releases the connection and the PC/SC context."""
    from devices.card.pcsc import PcscContext

    context = PcscContext()
    try:
        connection = context.connect(pick_reader(context))
    except Exception:
        context.release()
        raise

    def close() -> None:
        connection.close()
        context.release()

    return PivCardSession(connection, close)


def pcsc_opener(reader_name: str) -> CardOpener:
    """A ``CardOpener`` for one PC/SC reader (the customer reader, by full name)."""

    @contextmanager
    def opener() -> Iterator[CardSession]:
        session = _pcsc_session(lambda _context: reader_name)
        try:
            yield session
        finally:
            session.close()

    return opener


# --- in-process virtual readers ----------------------------------------------------------


class InProcessReaders:
    """Two virtual readers in this process; cards are ``VirtualPivCard`` objects. A role
    names the reader the ``ReaderAssignment`` gives it (the login may bind them swapped)."""

    NAMES: ClassVar[dict[ReaderRole, str]] = {
        ReaderRole.OPERATOR: "Virtual PCD 00 00",
        ReaderRole.CUSTOMER: "Virtual PCD 00 01",
    }

    def __init__(self) -> None:
        from devices.card.reader_role import ReaderAssignment

        self._lock = threading.Lock()
        self._slots: dict[str, InProcessConnection] = {}  # reader name → the card in it
        self._on_reader: ReaderCallback | None = None
        self._on_scan: ScanCallback | None = None
        self.assignment = ReaderAssignment()

    def _reader(self, role: ReaderRole) -> str:
        return self.assignment.assign(list(self.NAMES.values())).get(role, self.NAMES[role])

    def _post(self, reader: str) -> None:
        role = self.assignment.role_of(reader, self.counter_readers())
        if self._on_reader is not None and role is not None:
            self._on_reader(ReaderEvent(role, reader in self._slots, reader))

    # CardAccess
    def open(self, role: ReaderRole) -> PivCardSession:
        with self._lock:
            connection = self._slots.get(self._reader(role))
        if connection is None:
            raise NoCardInReaderError.in_reader(role.value)
        return PivCardSession(connection)

    # ReaderSessions
    def counter_readers(self) -> list[str]:
        return list(self.NAMES.values())

    def open_reader(self, reader: str) -> PivCardSession:
        with self._lock:
            connection = self._slots.get(reader)
        if connection is None:
            raise NoCardInReaderError.in_reader(str(self.assignment.role_of(reader)))
        return PivCardSession(connection)

    def bind_operator(self, reader: str) -> None:
        before = self._reader(ReaderRole.OPERATOR)
        self.assignment.bind_operator(reader)
        if self._reader(ReaderRole.OPERATOR) != before:
            for name in self.NAMES.values():
                self._post(name)

    # DeviceMonitor
    def start(self, on_reader: ReaderCallback, on_scan: ScanCallback) -> None:
        self._on_reader, self._on_scan = on_reader, on_scan
        for reader in self.NAMES.values():
            self._post(reader)
        on_scan(ScanEvent(connected=True))

    def stop(self) -> None:
        self._on_reader = self._on_scan = None

    # the hands at the counter
    def insert(self, role: ReaderRole, card: VirtualPivCard) -> None:
        from devices.virtual.card import InProcessConnection

        self.remove(role)
        card.power_off()
        reader = self._reader(role)
        with self._lock:
            self._slots[reader] = InProcessConnection(card)
        self._post(reader)

    def remove(self, role: ReaderRole) -> None:
        reader = self._reader(role)
        with self._lock:
            connection = self._slots.pop(reader, None)
        if connection is None:
            return
        connection.remove()
        self._post(reader)

    def scan(self, zone_text: str) -> None:
        if self._on_scan is not None:
            self._on_scan(ScanEvent(text=zone_text))


# --- PC/SC readers and the serial scanner -----------------------------------------------


class PcscCards:
    """``CardAccess`` and ``ReaderSessions`` over PC/SC: the reader for a role is the one
    the login bound, else the one its name pattern finds (``ReaderAssignment``)."""

    def __init__(
        self,
        operator_pattern: str,
        customer_pattern: str,
        *,
        assignment: ReaderAssignment | None = None,
    ) -> None:
        from devices.card.reader_role import ReaderAssignment, ReaderRoles

        self.assignment = assignment or ReaderAssignment(
            ReaderRoles(operator_pattern=operator_pattern, customer_pattern=customer_pattern)
        )

    def open(self, role: ReaderRole) -> PivCardSession:
        def reader(context: PcscContext) -> str:
            name = self.assignment.assign(context.list_readers()).get(role)
            if name is None:
                raise NoCardInReaderError.in_reader(role.value)
            return name

        return _pcsc_session(reader)

    # ReaderSessions
    def counter_readers(self) -> list[str]:
        from devices.card.pcsc import PcscContext

        with PcscContext() as context:
            names = context.list_readers()
        return [name for name in names if self.assignment.is_counter_reader(name)]

    def open_reader(self, reader: str) -> PivCardSession:
        return _pcsc_session(lambda _context: reader)

    def bind_operator(self, reader: str) -> None:
        self.assignment.bind_operator(reader)


class PcscMonitor:
    """The reader watcher thread and the serial scanner thread, as port events."""

    def __init__(
        self,
        operator_pattern: str,
        customer_pattern: str,
        scanner_settings: SerialSettings | None,
        *,
        assignment: ReaderAssignment | None = None,
    ) -> None:
        """``assignment``: the card access's, so that the watcher names the reader the
        login bound the operator's (else the name patterns)."""
        self._patterns = (operator_pattern, customer_pattern)
        self._assignment = assignment
        self._scanner_settings = scanner_settings
        self._watcher: ReaderWatcher | None = None
        self._scanner: SerialScannerReader | None = None

    def start(self, on_reader: ReaderCallback, on_scan: ScanCallback) -> None:
        from devices.card import readers
        from devices.card.pcsc import PcscContext

        def post_reader(event: ReaderChange) -> None:
            if event.role is None:
                return
            role = ReaderRole(event.role)
            if isinstance(event, readers.CardInserted):
                on_reader(ReaderEvent(role, True, event.reader))
            elif isinstance(event, readers.CardRemoved | readers.ReaderAppeared):
                on_reader(ReaderEvent(role, False, event.reader))
            elif isinstance(event, readers.ReaderDisappeared):
                on_reader(ReaderEvent(role, False, event.reader, reader_attached=False))

        roles = self._assignment or readers.ReaderRoles(
            operator_pattern=self._patterns[0], customer_pattern=self._patterns[1]
        )
        self._watcher = readers.ReaderWatcher(PcscContext, post_reader, roles=roles)
        self._watcher.start()
        if self._scanner_settings is not None:
            from devices.scanner import serial_port

            def post_scan(event: ScannerEvent) -> None:
                if isinstance(event, serial_port.ZoneScanned):
                    on_scan(ScanEvent(text="\n".join(event.lines)))
                elif isinstance(event, serial_port.ScannerConnected):
                    on_scan(ScanEvent(connected=True))
                elif isinstance(event, serial_port.ScannerDisconnected):
                    on_scan(ScanEvent(connected=False, error=event.error))
                elif isinstance(event, serial_port.ScanRejected):
                    on_scan(ScanEvent(notice_key=f"scanner.rejected.{event.reason}"))

            self._scanner = serial_port.SerialScannerReader(self._scanner_settings, post_scan)
            self._scanner.start()

    def stop(self) -> None:
        if self._scanner is not None:
            self._scanner.stop()
            self._scanner = None
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

"""Adapters from the device layer (``devices/``) to the kiosk's ports.

* ``PivCardSession``: the card protocol (``kiosk.services.card.CardSession``) over
  ``devices.card.piv.PivSession`` on any APDU connection (PC/SC or an in-process virtual
  card); ``connection_opener`` and ``pcsc_opener`` open one as a ``CardOpener``.
* ``InProcessReaders``: two in-process virtual readers (the demo and the pilot tests):
  ``CardAccess`` and ``DeviceMonitor`` at once, with ``insert``/``remove``/``scan``.
* ``PcscCards`` and ``PcscMonitor``: the real PC/SC readers, the reader watcher thread and
  the serial scanner thread, reporting as ``ReaderEvent``/``ScanEvent``.

The container decides which of them to build.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from devices.card.pin import PinKind, PinState
from kiosk.services.card import CardCapability, CardKey, CardOpener, CardSession
from kiosk.services.errors import NoCardInReaderError
from kiosk.services.ports import (
    DemoItem,
    ReaderCallback,
    ReaderEvent,
    ReaderRole,
    ScanCallback,
    ScanEvent,
)

if TYPE_CHECKING:
    from devices.card.pcsc import PcscContext
    from devices.card.piv import Connection
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
    """Two virtual readers in this process; cards are ``VirtualPivCard`` objects."""

    NAMES: ClassVar[dict[ReaderRole, str]] = {
        ReaderRole.OPERATOR: "Virtual PCD 00 00",
        ReaderRole.CUSTOMER: "Virtual PCD 00 01",
    }

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[ReaderRole, InProcessConnection] = {}
        self._on_reader: ReaderCallback | None = None
        self._on_scan: ScanCallback | None = None

    # CardAccess
    def open(self, role: ReaderRole) -> PivCardSession:
        with self._lock:
            connection = self._slots.get(role)
        if connection is None:
            raise NoCardInReaderError.in_reader(role.value)
        return PivCardSession(connection)

    # DeviceMonitor
    def start(self, on_reader: ReaderCallback, on_scan: ScanCallback) -> None:
        self._on_reader, self._on_scan = on_reader, on_scan
        for role in ReaderRole:
            on_reader(ReaderEvent(role, role in self._slots, self.NAMES[role]))
        on_scan(ScanEvent(connected=True))

    def stop(self) -> None:
        self._on_reader = self._on_scan = None

    # the hands at the counter
    def insert(self, role: ReaderRole, card: VirtualPivCard) -> None:
        from devices.virtual.card import InProcessConnection

        self.remove(role)
        card.power_off()
        with self._lock:
            self._slots[role] = InProcessConnection(card)
        if self._on_reader is not None:
            self._on_reader(ReaderEvent(role, True, self.NAMES[role]))

    def remove(self, role: ReaderRole) -> None:
        with self._lock:
            connection = self._slots.pop(role, None)
        if connection is None:
            return
        connection.remove()
        if self._on_reader is not None:
            self._on_reader(ReaderEvent(role, False, self.NAMES[role]))

    def scan(self, zone_text: str) -> None:
        if self._on_scan is not None:
            self._on_scan(ScanEvent(text=zone_text))


@dataclass(frozen=True)
class DemoCard:
    item_id: str
    label: str
    card: VirtualPivCard
    code_letter_puk: str | None = field(default=None, repr=False)  # 5xx/6xx/none only


@dataclass(frozen=True)
class DemoDocument:
    item_id: str
    label: str
    zone_text: str


class InProcessDemo:
    """``DemoControls`` over ``InProcessReaders``: demo cards and documents by id."""

    def __init__(
        self,
        readers: InProcessReaders,
        cards: Sequence[DemoCard],
        documents: Sequence[DemoDocument],
    ) -> None:
        self._readers = readers
        self._cards = {c.item_id: c for c in cards}
        self._documents = {d.item_id: d for d in documents}

    def cards(self) -> Sequence[DemoItem]:
        return [DemoItem(c.item_id, c.label, c.code_letter_puk) for c in self._cards.values()]

    def documents(self) -> Sequence[DemoItem]:
        return [DemoItem(d.item_id, d.label) for d in self._documents.values()]

    def insert(self, role: ReaderRole, item_id: str) -> None:
        self._readers.insert(role, self._cards[item_id].card)

    def remove(self, role: ReaderRole) -> None:
        self._readers.remove(role)

    def scan(self, item_id: str) -> None:
        self._readers.scan(self._documents[item_id].zone_text)


# --- PC/SC readers and the serial scanner -----------------------------------------------


class PcscCards:
    """``CardAccess`` over PC/SC: the reader for a role is found by its name pattern."""

    def __init__(self, operator_pattern: str, customer_pattern: str) -> None:
        from devices.card.readers import ReaderRoles

        self._roles = ReaderRoles(
            operator_pattern=operator_pattern, customer_pattern=customer_pattern
        )

    def open(self, role: ReaderRole) -> PivCardSession:
        def reader(context: PcscContext) -> str:
            name = self._roles.assign(context.list_readers()).get(role)
            if name is None:
                raise NoCardInReaderError.in_reader(role.value)
            return name

        return _pcsc_session(reader)


class PcscMonitor:
    """The reader watcher thread and the serial scanner thread, as port events."""

    def __init__(
        self,
        operator_pattern: str,
        customer_pattern: str,
        scanner_settings: SerialSettings | None,
    ) -> None:
        self._patterns = (operator_pattern, customer_pattern)
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

        roles = readers.ReaderRoles(
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

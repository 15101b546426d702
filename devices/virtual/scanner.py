"""A virtual serial MRZ scanner on a pseudo-terminal (demo device panel, tests, CLI).

``VirtualScanner.open(framing)`` creates a pty; the kiosk opens ``.path`` as its scanner
port, exactly as it would a USB-serial scanner. ``.scan("specimen-td3")`` writes one
framed zone to the master side. ``.unplug()`` closes the pty (reads on the port then
fail, like a pulled cable). With ``link=`` the path is a symlink that a new virtual
scanner can re-point, which is how a scanner "comes back" at the configured port.

The documents are fixed zones: the published ICAO 9303 specimens (Utopia, expired) and
generated Swedish and foreign documents whose check digits and personnummer are valid.
"""

from __future__ import annotations

import contextlib
import os
import tty
from pathlib import Path

from devices.scanner.errors import UnknownVirtualDocumentError
from devices.scanner.framing import encode, make_framer

__all__ = ["DOCUMENTS", "UnknownVirtualDocumentError", "VirtualScanner"]

DOCUMENTS: dict[str, tuple[str, ...]] = {
    # ICAO 9303 part 5/6/4 specimens: Anna Maria Eriksson of Utopia, expired 2012-04-15.
    "specimen-td1": (
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ),
    "specimen-td2": (
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "D231458907UTO7408122F1204159<<<<<<<6",
    ),
    "specimen-td3": (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ),
    # Åsa Linnéa Öberg, 19850312-2387, Swedish passport valid to 2031-06-30.
    "swedish-passport": (
        "P<SWEOEBERG<<AASA<LINNEA<<<<<<<<<<<<<<<<<<<<",
        "AB12345671SWE8503127F31063058503122387<<<<78",
    ),
    # Jöns Ülrik Lindqvist, 19920704-5486, Swedish national id card valid to 2030-02-14.
    "swedish-id-card": (
        "I<SWEIS987654329207045486<<<<<",
        "9207042M3002142SWE<<<<<<<<<<<7",
        "LINDQVIST<<JOENS<UELRIK<<<<<<<",
    ),
    # Kari Haugen, Norwegian passport valid to 2029-10-09 (refused for an unlock).
    "foreign-passport": (
        "P<NORHAUGEN<<KARI<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "NX00412731NOR8809014F2910091<<<<<<<<<<<<<<<2",
    ),
    # Per Erik Nyström, 19611120-9018, Swedish passport that expired 2021-01-15.
    "expired-swedish-passport": (
        "P<SWENYSTROEM<<PER<ERIK<<<<<<<<<<<<<<<<<<<<<",
        "AA76543216SWE6111209M21011526111209018<<<<98",
    ),
    # The Swedish passport misread: one digit of the document number is wrong.
    "misread-swedish-passport": (
        "P<SWEOEBERG<<AASA<LINNEA<<<<<<<<<<<<<<<<<<<<",
        "AB12845671SWE8503127F31063058503122387<<<<78",
    ),
}


class VirtualScanner:
    """One pseudo-terminal acting as a serial MRZ scanner."""

    def __init__(
        self, master_fd: int, slave_fd: int, device_path: str, framing: str, link: Path | None
    ) -> None:
        self._master = master_fd
        self._slave = slave_fd
        self.device_path = device_path
        self.framing = framing
        self.link = link

    @classmethod
    def open(cls, framing: str = "crlf", link: str | Path | None = None) -> VirtualScanner:
        """A new pty; with ``link`` a symlink at that path points to it (replaced)."""
        make_framer(framing, 1.0)  # validates the framing name
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line discipline, before the kiosk opens it
        device = os.ttyname(slave)
        link_path = Path(link) if link is not None else None
        if link_path is not None:
            temporary = link_path.with_name(link_path.name + ".new")
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(device)
            temporary.replace(link_path)  # atomic re-point
        return cls(master, slave, device, framing, link_path)

    @property
    def path(self) -> str:
        """The port path the kiosk should open (the link when there is one)."""
        return str(self.link) if self.link is not None else self.device_path

    @property
    def is_open(self) -> bool:
        return self._master >= 0

    def frame(self, document: str) -> bytes:
        try:
            lines = DOCUMENTS[document]
        except KeyError:
            raise UnknownVirtualDocumentError(name=document[:40]) from None
        return encode(self.framing, lines)

    def scan(self, document: str) -> bytes:
        """Write one framed zone of a named document; returns the bytes written."""
        data = self.frame(document)
        self.write_raw(data)
        return data

    def write_raw(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._master, view)
            view = view[written:]

    def unplug(self) -> None:
        """Close the pty: the kiosk's reads fail as with a pulled cable."""
        for fd in (self._master, self._slave):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = -1

    def close(self) -> None:
        self.unplug()

    def __enter__(self) -> VirtualScanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

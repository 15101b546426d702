"""A virtual serial MRZ scanner on a pseudo-terminal (demo device panel, tests, CLI).

``VirtualScanner.open(framing)`` creates a pty; the kiosk opens ``.path`` as its scanner
port, exactly as it would a USB-serial scanner. ``.scan("specimen-td3")`` writes one
framed zone to the master side. ``.unplug()`` closes the pty (reads on the port then
fail, like a pulled cable). With ``link=`` the path is a symlink that a new virtual
scanner can re-point, which is how a scanner "comes back" at the configured port; an
unplugged scanner takes its link away.

The scanner scans the documents it is given by name; without any, the published ICAO 9303
specimens (Utopia, fixed and long expired). The demo's dated Swedish and foreign documents
are composed by ``kiosk.demo_documents`` from the day it runs.
"""

from __future__ import annotations

import contextlib
import os
import tty
from collections.abc import Mapping
from pathlib import Path

from devices.scanner.errors import UnknownVirtualDocumentError
from devices.scanner.framing import encode, make_framer

__all__ = ["SPECIMENS", "UnknownVirtualDocumentError", "VirtualScanner"]

SPECIMENS: Mapping[str, tuple[str, ...]] = {
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
}


class VirtualScanner:
    """One pseudo-terminal acting as a serial MRZ scanner."""

    def __init__(
        self,
        master_fd: int,
        slave_fd: int,
        device_path: str,
        framing: str,
        link: Path | None,
        *,
        documents: Mapping[str, tuple[str, ...]],
    ) -> None:
        self.documents = documents
        self._master = master_fd
        self._slave = slave_fd
        self.device_path = device_path
        self.framing = framing
        self.link = link

    @classmethod
    def open(
        cls,
        framing: str = "crlf",
        link: str | Path | None = None,
        documents: Mapping[str, tuple[str, ...]] = SPECIMENS,
    ) -> VirtualScanner:
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
        return cls(master, slave, device, framing, link_path, documents=documents)

    @property
    def path(self) -> str:
        """The port path the kiosk should open (the link when there is one)."""
        return str(self.link) if self.link is not None else self.device_path

    @property
    def is_open(self) -> bool:
        return self._master >= 0

    def frame(self, document: str) -> bytes:
        try:
            lines = self.documents[document]
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
        """Close the pty: the kiosk's reads fail as with a pulled cable. The link goes
        too, as udev removes a ``/dev/serial/by-id`` link when the cable is pulled: left
        behind, it would point to a pty number the system soon gives to another terminal,
        which the kiosk would then open as its scanner. A link that a newer scanner
        re-pointed is left alone."""
        for fd in (self._master, self._slave):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = -1
        if self.link is not None:
            with contextlib.suppress(OSError):
                if os.readlink(self.link) == self.device_path:
                    self.link.unlink()

    def close(self) -> None:
        self.unplug()

    def __enter__(self) -> VirtualScanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

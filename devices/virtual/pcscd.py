"""Start, reuse, restart and stop the PC/SC daemon for tests, the bench and the demo.

Only one ``pcscd`` can run per machine (fixed socket path). ``PcscDaemon.ensure()`` reuses
a running daemon or starts one and owns it; ``stop()`` only stops what it started
(SIGTERM, then ``wait()`` so no zombie looks alive).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

from devices.card.errors import ReaderGoneError
from devices.card.pcsc import STATE_UNAWARE, PcscContext

log = logging.getLogger(__name__)

VPCD_READERS = ("Virtual PCD 00 00", "Virtual PCD 00 01")


def list_readers() -> list[str] | None:
    """Reader names, or None when no daemon answers."""
    try:
        with PcscContext() as context:
            return context.list_readers()
    except ReaderGoneError:
        return None


def wait_for_readers(names: Iterable[str] = VPCD_READERS, timeout: float = 10.0) -> bool:
    wanted = set(names)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        readers = list_readers()
        if readers is not None and wanted <= set(readers):
            return True
        time.sleep(0.02)
    return False


def wait_for_card(reader: str, present: bool, timeout: float = 5.0) -> bool:
    """Block until pcscd reports a card present (or absent) in ``reader``."""
    deadline = time.monotonic() + timeout
    state = STATE_UNAWARE
    while time.monotonic() < deadline:
        try:
            with PcscContext() as context:
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    statuses = context.wait_for_change({reader: state}, min(left, 0.5))
                    if statuses is None:
                        continue
                    status = statuses[0]
                    state = status.event_state
                    if status.card_present == present:
                        return True
        except ReaderGoneError:
            state = STATE_UNAWARE
            time.sleep(0.05)
    return False


class PcscDaemon:
    """A pcscd we either reuse (``owned`` False) or started ourselves."""

    def __init__(self, *, log_file: Path | None = None, args: Iterable[str] = ()) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.log_file = log_file
        self.args = tuple(args)

    @property
    def owned(self) -> bool:
        return self.process is not None

    @classmethod
    def ensure(cls, *, log_file: Path | None = None, timeout: float = 10.0) -> PcscDaemon:
        """Reuse a running daemon or start one; wait until the vpcd readers are listed."""
        daemon = cls(log_file=log_file)
        if list_readers() is None:
            daemon.start(timeout=timeout)
        elif not wait_for_readers(timeout=timeout):
            raise RuntimeError("a running pcscd does not list the vpcd readers")
        return daemon

    def start(self, timeout: float = 10.0) -> None:
        if self.process is not None:
            raise RuntimeError("pcscd already started by us")
        if list_readers() is not None:
            raise RuntimeError("another pcscd is running")
        output = self.log_file.open("ab") if self.log_file is not None else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                ["pcscd", "--foreground", "--info", *self.args],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            if self.log_file is not None and not isinstance(output, int):
                output.close()
        if not wait_for_readers(timeout=timeout):
            self.stop()
            raise RuntimeError("pcscd started but the vpcd readers did not appear")

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the daemon we started and wait for it; reused daemons are left alone."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        # The socket file may outlive the daemon by a moment.
        deadline = time.monotonic() + timeout
        while list_readers() is not None and time.monotonic() < deadline:
            time.sleep(0.02)

    def restart(self, timeout: float = 10.0) -> None:
        if not self.owned:
            raise RuntimeError("cannot restart a pcscd this process did not start")
        self.stop(timeout)
        self.start(timeout)

    def __enter__(self) -> PcscDaemon:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

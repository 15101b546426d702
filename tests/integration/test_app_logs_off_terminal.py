"""The running app never writes log lines on the terminal it draws on.

``kiosk demo`` runs in a pseudo-terminal (80x24, xterm-256color). Once the first screen is
drawn, a thread in the child (started by a ``sitecustomize`` on the child's PYTHONPATH, not
by product code) logs a warning and calls ``warnings.warn``. Neither text may reach the pty;
both must be in ``<data>/logs/kiosk.log``. Then Ctrl+Q and Enter (the confirmation) quit the app.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
ROWS, COLUMNS = 24, 80
FIRST_SCREEN = "Log in with your service card"  # ui.login.title, en
CSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")

SITECUSTOMIZE = """
import logging
import os
import threading
import time
import warnings


def _log_when_triggered():
    trigger, done = os.environ["LOGTEST_TRIGGER"], os.environ["LOGTEST_DONE"]
    marker = os.environ["LOGTEST_MARKER"]
    deadline = time.monotonic() + 120
    while not os.path.exists(trigger):
        if time.monotonic() > deadline:
            return
        time.sleep(0.02)
    logging.getLogger("kiosk.test").warning("%s-logged", marker)
    warnings.warn(marker + "-warned", UserWarning, stacklevel=1)
    with open(done, "w"):
        pass


if os.environ.get("LOGTEST_TRIGGER"):
    threading.Thread(target=_log_when_triggered, name="logtest", daemon=True).start()
"""


class PtyReader:
    """Drains the pty's master side in a thread (so the child never blocks on a write)."""

    def __init__(self, master: int) -> None:
        self.master = master
        self._data = bytearray()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: every slave side is closed
                return
            if not chunk:
                return
            with self._lock:
                self._data += chunk

    def raw(self) -> bytes:
        with self._lock:
            return bytes(self._data)

    def text(self) -> str:
        return CSI.sub(b"", self.raw()).decode("utf-8", "replace")

    def wait_for_text(self, needle: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise AssertionError(f"never drawn: {needle!r}; got {self.text()[-2000:]!r}")
            time.sleep(0.05)

    def stop(self, timeout: float = 5.0) -> None:
        self._thread.join(timeout)  # ends at EIO once the child has exited
        self._stop.set()
        self._thread.join(timeout)


def _wait_for_file(path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name} never appeared")
        time.sleep(0.02)


def test_logged_warnings_go_to_the_log_file_not_the_screen(tmp_path: Path) -> None:
    data, hooks = tmp_path / "data", tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    marker = f"MARKER-{uuid.uuid4().hex}"
    trigger, done = tmp_path / "trigger", tmp_path / "done"
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": str(COLUMNS),
        "LINES": str(ROWS),
        "PYTHONPATH": os.pathsep.join([str(hooks), str(ROOT)]),
        "LOGTEST_TRIGGER": str(trigger),
        "LOGTEST_DONE": str(done),
        "LOGTEST_MARKER": marker,
    }
    for name in ("TEXTUAL", "NO_COLOR", "PYTHONWARNINGS"):
        env.pop(name, None)

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    command = [sys.executable, "-m", "kiosk", "--log-level", "INFO", "demo"]
    command += ["--data", str(data), "--lang", "en"]
    child = subprocess.Popen(
        command,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    reader = PtyReader(master)
    try:
        reader.wait_for_text(FIRST_SCREEN, timeout=60)
        trigger.touch()  # the first screen is up: log mid-session
        _wait_for_file(done, timeout=30)
        time.sleep(0.5)  # the app keeps running; anything written lands in the pty
        assert child.poll() is None, "the app stopped by itself"
        os.write(master, b"\x11")  # Ctrl+Q: the kiosk asks first
        time.sleep(0.5)
        assert child.poll() is None, "Ctrl+Q quit without asking"
        os.write(master, b"\r")  # Enter: yes, quit
        returncode = child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        reader.stop()
        os.close(master)

    on_screen = reader.raw().decode("utf-8", "replace")
    assert marker not in on_screen, "a log line was written on the app's terminal"
    assert returncode == 0, f"the app did not quit cleanly: {returncode}"
    log_path = data / "logs" / "kiosk.log"
    assert log_path.exists(), "no log file in the data directory"
    logged = log_path.read_text(encoding="utf-8")
    assert f"WARNING kiosk.test {marker}-logged" in logged
    assert f"{marker}-warned" in logged, "warnings.warn did not go through logging"
    assert log_path.stat().st_mode & 0o777 == 0o600
    assert log_path.parent.stat().st_mode & 0o777 == 0o700

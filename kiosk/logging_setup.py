"""Where log lines go while the counter app owns the terminal.

Textual draws on the terminal; a log line written there overwrites the screen and nothing
repaints it. For the app's lifetime the root logger writes to a rotating file in the data
directory (``<data_dir>/logs/kiosk.log``, private to the kiosk user) and to Textual's
devtools console when one is attached, never to stderr or stdout; ``warnings.warn`` goes
through logging too. Afterwards the previous handlers (the command line's stderr handler)
come back. The level stays the root logger's (``--log-level``).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5


def log_file(data_dir: Path) -> Path:
    return data_dir / "logs" / "kiosk.log"


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log file that is created (and re-created on rollover) mode 0600."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        return io.TextIOWrapper(
            io.FileIO(fd, "a"), encoding=self.encoding, errors=self.errors, line_buffering=False
        )


def open_log_file(data_dir: Path) -> PrivateRotatingFileHandler:
    path = log_file(data_dir)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # the kiosk's, private
    path.parent.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path.parent, 0o700)
    handler = PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    return handler


def writes_to_terminal(handler: logging.Handler) -> bool:
    """A stream handler on stdout/stderr (or any terminal), not a log file."""
    if isinstance(handler, logging.FileHandler) or not isinstance(handler, logging.StreamHandler):
        return False
    stream = handler.stream
    if any(stream is s for s in (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__)):
        return True
    try:
        return stream.fileno() in (1, 2) or bool(stream.isatty())
    except (AttributeError, OSError, ValueError):
        return False


@contextlib.contextmanager
def app_logging(data_dir: Path, console: logging.Handler | None = None) -> Iterator[Path | None]:
    """For the app's lifetime: log to the file (and to ``console``, Textual's devtools
    handler, which the app assembly passes in), not the terminal. Yields the log file's
    path (``None`` if it could not be opened)."""
    root = logging.getLogger()
    added: list[logging.Handler] = []
    path: Path | None = log_file(data_dir)
    try:
        added.append(open_log_file(data_dir))
    except OSError as exc:  # said before the app draws; the app still starts
        print(f"kiosk: no log file in {data_dir}: {exc.strerror or exc}", file=sys.stderr)
        path = None
    if console is not None:
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        added.append(console)

    removed = [h for h in root.handlers if writes_to_terminal(h)]
    last_resort, raise_exceptions = logging.lastResort, logging.raiseExceptions
    showwarning = warnings.showwarning
    for handler in removed:
        root.removeHandler(handler)
    for handler in added:
        root.addHandler(handler)
    logging.lastResort = logging.NullHandler()  # a logger without handlers stays silent
    logging.raiseExceptions = False  # a failing handler prints no traceback on stderr
    logging.captureWarnings(True)
    captured = warnings.showwarning is not showwarning
    try:
        yield path
    finally:
        if captured:
            logging.captureWarnings(False)
        logging.lastResort, logging.raiseExceptions = last_resort, raise_exceptions
        for handler in added:
            root.removeHandler(handler)
            handler.close()
        for handler in removed:
            root.addHandler(handler)

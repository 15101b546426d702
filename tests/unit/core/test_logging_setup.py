"""While the app runs the root logger writes to the log file, never to stderr/stdout; after
it the command line's stderr handler is back."""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.logging_setup import app_logging, log_file, writes_to_terminal


@contextlib.contextmanager
def cli_logging() -> Iterator[list[logging.Handler]]:
    """The root logger as ``kiosk.cli`` leaves it (a stderr handler) plus a stdout one,
    made in the test body so that they are on the streams ``capfd`` captures."""
    root = logging.getLogger()
    level = root.level
    handlers: list[logging.Handler] = [
        logging.StreamHandler(sys.stderr),
        logging.StreamHandler(sys.stdout),
    ]
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handlers
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        root.setLevel(level)


def _terminal_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if writes_to_terminal(h)]


def test_while_the_app_runs_logs_go_to_the_file_only(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with cli_logging() as cli_handlers:
        assert _terminal_handlers() == cli_handlers  # the check can see them
        last_resort = logging.lastResort
        with app_logging(tmp_path) as path:
            assert path == log_file(tmp_path) == tmp_path / "logs" / "kiosk.log"
            assert _terminal_handlers() == []
            std = (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__)
            for handler in logging.getLogger().handlers:
                assert not any(getattr(handler, "stream", None) is s for s in std)
            logging.getLogger("kiosk.unit").warning("file-only warning")
            logging.getLogger("kiosk.unit").debug("below the level")  # root level is INFO
            warnings.warn("a python warning", UserWarning, stacklevel=1)
            orphan = logging.getLogger("kiosk.unit.orphan")
            orphan.propagate = False  # no handler anywhere: logging.lastResort would print
            try:
                orphan.error("orphan line")
            finally:
                orphan.propagate = True
        assert capfd.readouterr() == ("", "")
        text = path.read_text(encoding="utf-8")
        assert "WARNING kiosk.unit file-only warning" in text
        assert "below the level" not in text
        assert "a python warning" in text
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o777 == 0o700

        # afterwards (other commands): the stderr handler and lastResort are back
        assert _terminal_handlers() == cli_handlers
        assert logging.lastResort is last_resort
        logging.getLogger("kiosk.unit").warning("back on stderr")
        assert "back on stderr" in capfd.readouterr().err
        assert "back on stderr" not in path.read_text(encoding="utf-8")


def test_without_a_log_file_the_app_still_logs_nothing_on_the_terminal(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with cli_logging() as cli_handlers:
        with app_logging(blocker) as path:  # <file>/logs cannot be made
            assert path is None
            assert "no log file" in capfd.readouterr().err  # said before the app draws
            assert _terminal_handlers() == []
            logging.getLogger("kiosk.unit").warning("nowhere on the terminal")
            assert capfd.readouterr() == ("", "")
        assert _terminal_handlers() == cli_handlers

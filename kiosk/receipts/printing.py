"""Deliver a PDF: to a CUPS printer with ``lp`` when one is configured, else to a folder.

Delivery never raises: a missing ``lp``, a printer that refuses the job, a timeout or
an unwritable folder end up in :class:`Delivery.problem`, so a printer fault can never
block or undo the transaction the receipt is about. When printing fails the PDF is
saved in the receipts folder instead, from where it can be printed later (or made again
from the journal with ``kiosk receipt reprint``).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

LP_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class Delivery:
    """Where a PDF went. ``problem``: why it was not printed (or not saved either)."""

    printed: bool
    printer: str | None
    path: Path | None
    problem: str | None = None

    @property
    def delivered(self) -> bool:
        return self.printed or self.path is not None


def save_pdf(folder: Path, name: str, pdf: bytes) -> Path:
    """Write ``pdf`` as ``folder/name`` atomically (temporary file, then rename): the
    file 0600 (``mkstemp``), a new folder 0700."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / name
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(pdf)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def print_with_lp(
    pdf: bytes,
    *,
    printer: str,
    title: str,
    lp_command: str = "lp",
    timeout: float = LP_TIMEOUT_SECONDS,
) -> str | None:
    """Send ``pdf`` to ``printer``; None on success, else what went wrong (no raise)."""
    program = shutil.which(lp_command)
    if program is None:
        return f"{lp_command} not found"
    try:
        result = subprocess.run(
            [program, "-d", printer, "-t", title, "-"],
            input=pdf,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"{lp_command} did not answer within {timeout:.0f} s"
    except OSError as exc:
        return f"{lp_command} could not run: {exc.strerror or exc}"
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
        detail = message[-1] if message else ""
        return f"{lp_command} exit {result.returncode}" + (f": {detail}" if detail else "")
    return None


def deliver(
    pdf: bytes,
    name: str,
    *,
    printer: str,
    folder: Path,
    lp_command: str = "lp",
    timeout: float = LP_TIMEOUT_SECONDS,
) -> Delivery:
    """Print when ``printer`` is set and ``lp`` works; otherwise save in ``folder``."""
    problem: str | None = None
    if printer:
        problem = print_with_lp(
            pdf, printer=printer, title=name, lp_command=lp_command, timeout=timeout
        )
        if problem is None:
            return Delivery(printed=True, printer=printer, path=None)
        log.warning("receipt printer %s failed: %s; saving to the folder", printer, problem)
    try:
        path = save_pdf(folder, name, pdf)
    except OSError as exc:
        saved_problem = f"cannot write {folder}: {exc.strerror or exc}"
        log.error("receipt not delivered: %s", saved_problem)
        both = f"{problem}; {saved_problem}" if problem else saved_problem
        return Delivery(printed=False, printer=printer or None, path=None, problem=both)
    return Delivery(printed=False, printer=printer or None, path=path, problem=problem)

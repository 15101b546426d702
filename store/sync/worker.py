"""Sync rounds in a thread: at once when woken, else after an interval, with backoff.

The thread never dies: a round that raises anything ends there, is logged (the error's
class and where it was raised, never its message: a value in it may be personal) and is
run again with the same backoff as an unreachable central; the sync client remembers
since when rounds fail (:attr:`SyncClient.failing_since`, shown in the status bar).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from store.sync.client import SyncClient
from store.sync.errors import SyncError
from store.sync.report import RoundReport

log = logging.getLogger(__name__)


class SyncWorker:
    """Runs :meth:`SyncClient.run_round` in a thread: at once when woken, else after
    an interval; while the central is unreachable the wait doubles up to a ceiling."""

    def __init__(
        self,
        client: SyncClient,
        *,
        interval: float = 30.0,
        min_backoff: float = 1.0,
        max_backoff: float = 300.0,
        block_retry: float = 5.0,
        on_report: Callable[[RoundReport], None] | None = None,
    ) -> None:
        self.client = client
        self.block_retry = block_retry
        self.interval = interval
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.on_report = on_report
        self.backoff = min_backoff
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_report: RoundReport | None = None

    def next_delay(self, report: RoundReport, *, blocks_waiting: bool = False) -> float:
        """Interval when a round went through; doubling backoff while the central is
        unreachable or rounds fail, but never more than ``block_retry`` while block
        requests wait (they go out as soon as the central is reachable again)."""
        if report.online and not report.failed:
            self.backoff = self.min_backoff
            return self.interval
        delay = self.backoff
        self.backoff = min(self.max_backoff, self.backoff * 2)
        return min(delay, self.block_retry) if blocks_waiting else delay

    def sync_now(self) -> None:
        """Run a round at once (the "sync now" action, or a block request written)."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sync-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_once(self) -> RoundReport:
        """One round; whatever it raises ends it as a failed round (logged, no data)."""
        client = self.client
        try:
            report = client.run_round()
        except SyncError as exc:
            report = RoundReport(online=True, error=exc, failed=True)
            log.warning("sync round refused: %s", exc.key)
        except Exception as exc:
            report = RoundReport(online=client.online, failed=True)
            log.error("sync round failed: %s at %s", type(exc).__name__, _raised_at(exc))
        if report.failed:
            client.round_failed()
        elif report.online:
            client.round_succeeded()
        return report

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.run_once()
            except Exception as exc:  # the bookkeeping itself failed: still a round
                log.error("sync round failed: %s at %s", type(exc).__name__, _raised_at(exc))
                report = RoundReport(failed=True)
            self.last_report = report
            try:
                if self.on_report is not None:
                    self.on_report(report)
                blocks = self.client.status().waiting_blocks > 0
            except Exception:  # advisory; never stop the worker for it
                log.warning("sync status unavailable")
                blocks = False
            delay = self.next_delay(report, blocks_waiting=blocks)
            self._wake.wait(delay)
            self._wake.clear()


def _raised_at(exc: BaseException) -> str:
    """``file.py:line`` of the innermost frame of ``exc`` (for the log, no values)."""
    tb = exc.__traceback__
    if tb is None:
        return "?"
    while tb.tb_next is not None:
        tb = tb.tb_next
    return f"{Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"

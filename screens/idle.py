"""The idle lock: after ``timeout`` seconds without a key or a click the kiosk locks; a
warning comes ``WARNING_SECONDS`` before (a toast), and any key keeps the session."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from kiosk.i18n import Catalogue

WARNING_SECONDS = 30.0


class IdleWatch:
    """``touch()`` on every key and click; ``check()`` once a second."""

    def __init__(
        self,
        *,
        timeout: float,
        monotonic: Callable[[], float],
        warn: Callable[[str], None],
        lock: Callable[[], Awaitable[None]],
        catalogue: Catalogue,
    ) -> None:
        self.timeout = timeout
        self._monotonic = monotonic
        self._warn = warn
        self._lock = lock
        self._t = catalogue
        self._last_activity = monotonic()
        self._warned = False

    @property
    def warning_lead(self) -> float:
        """30 s, or half the timeout when that is shorter (a test's short timeout)."""
        return min(WARNING_SECONDS, self.timeout / 2)

    def touch(self) -> None:
        self._last_activity = self._monotonic()
        self._warned = False

    async def check(self) -> None:
        idle = self._monotonic() - self._last_activity
        if idle >= self.timeout:
            await self._lock()
            return
        if not self._warned and idle >= self.timeout - self.warning_lead:
            self._warned = True
            self._warn(self._t("ui.lock.idle_warning", seconds=round(self.warning_lead)))

"""Reader roles and a watcher thread that turns PC/SC state changes into plain events.

The watcher owns its ``SCardGetStatusChange`` loop (through ``PcscContext``), survives a
restart of the PC/SC daemon (reports readers gone, then back), and stops cleanly. It only
calls ``post(event)``: the app turns that into a message (e.g. ``App.call_from_thread``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from devices.card.errors import ReaderGoneError
from devices.card.pcsc import PNP_READER, STATE_UNAWARE, ReaderStatus
from devices.card.reader_role import ReaderAssignment, ReaderRole, ReaderRoles

__all__ = [
    "CardInserted",
    "CardRemoved",
    "ReaderAppeared",
    "ReaderAssignment",
    "ReaderChange",
    "ReaderDisappeared",
    "ReaderRole",
    "ReaderRoles",
    "ReaderWatcher",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CardInserted:
    reader: str
    role: ReaderRole | None
    atr: bytes


@dataclass(frozen=True)
class CardRemoved:
    reader: str
    role: ReaderRole | None


@dataclass(frozen=True)
class ReaderAppeared:
    reader: str
    role: ReaderRole | None


@dataclass(frozen=True)
class ReaderDisappeared:
    reader: str
    role: ReaderRole | None


# What the watcher saw change at the PC/SC level; the kiosk turns each into its own
# ``kiosk.services.ports.ReaderEvent`` for the app.
ReaderChange = CardInserted | CardRemoved | ReaderAppeared | ReaderDisappeared


class StatusContext(Protocol):
    """What the watcher needs from a PC/SC context (``devices.card.pcsc.PcscContext``)."""

    def list_readers(self) -> list[str]: ...

    def wait_for_change(
        self, current: Mapping[str, int], timeout_seconds: float
    ) -> list[ReaderStatus] | None: ...

    def cancel(self) -> None: ...

    def release(self) -> None: ...


class ReaderWatcher:
    """A thread that posts ``ReaderChange`` objects; ``start()`` / ``stop()``."""

    def __init__(
        self,
        context_factory: Callable[[], StatusContext],
        post: Callable[[ReaderChange], None],
        *,
        roles: ReaderRoles | ReaderAssignment | None = None,
        poll_seconds: float = 0.5,
        retry_seconds: float = 0.2,
    ) -> None:
        """``roles``: the name patterns, or the kiosk's ``ReaderAssignment`` (shared with
        its card access): when a login binds the operator's reader, the watcher posts
        again, with their new roles, every reader whose role changed."""
        self._factory = context_factory
        self._post = post
        self.roles = roles if isinstance(roles, ReaderAssignment) else ReaderAssignment(roles)
        self._poll = poll_seconds
        self._retry = retry_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._context: StatusContext | None = None
        self._lock = threading.Lock()
        self._readers: dict[str, int] = {}  # reader → last event state
        self._present: dict[str, bool] = {}
        self._atr: dict[str, bytes] = {}
        self._posted_role: dict[str, ReaderRole | None] = {}  # the role last posted
        self._rebound = threading.Event()
        self.ready = threading.Event()  # set after the first full scan

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("watcher already started")
        self.roles.on_change(self._on_rebind)
        self._thread = threading.Thread(target=self._run, name="reader-watcher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the loop and wait for the thread; safe to call twice."""
        self._stop.set()
        self.roles.remove_listener(self._on_rebind)
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise RuntimeError("reader watcher did not stop")
            self._thread = None

    def __enter__(self) -> ReaderWatcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _wake(self) -> None:
        with self._lock:
            if self._context is not None:
                self._context.cancel()

    def _on_rebind(self) -> None:
        self._rebound.set()
        self._wake()

    # -- loop ----------------------------------------------------------------------------

    def _role(self, reader: str) -> ReaderRole | None:
        role = self.roles.role_of(reader, list(self._readers))
        self._posted_role[reader] = role
        return role

    def _post_new_roles(self) -> None:
        """After a login bound the roles: each reader whose role changed, as it is now."""
        self._rebound.clear()
        for reader in list(self._readers):
            before = self._posted_role.get(reader)
            role = self._role(reader)
            if role == before:
                continue
            if self._present.get(reader):
                self._emit(CardInserted(reader, role, self._atr.get(reader, b"")))
            else:
                self._emit(ReaderAppeared(reader, role))

    def _emit(self, event: ReaderChange) -> None:
        try:
            self._post(event)
        except Exception:
            log.exception("reader event callback failed")

    def _lose_all(self) -> None:
        for reader in list(self._readers):
            self._forget(reader)

    def _forget(self, reader: str) -> None:
        role = self._role(reader)
        if self._present.get(reader):
            self._emit(CardRemoved(reader, role))
        self._emit(ReaderDisappeared(reader, role))
        self._readers.pop(reader, None)
        self._present.pop(reader, None)
        self._atr.pop(reader, None)
        self._posted_role.pop(reader, None)

    def _sync_readers(self, names: list[str]) -> None:
        for reader in [r for r in self._readers if r not in names]:
            self._forget(reader)
        for reader in names:
            if reader not in self._readers:
                self._readers[reader] = STATE_UNAWARE
                self._present[reader] = False
                self._emit(ReaderAppeared(reader, self._role(reader)))

    def _apply(self, statuses: list[ReaderStatus]) -> None:
        for status in statuses:
            if status.name not in self._readers:
                continue
            self._readers[status.name] = status.event_state
            before = self._present.get(status.name, False)
            role = self._role(status.name)
            if status.card_present and not before:
                self._atr[status.name] = status.atr
                self._emit(CardInserted(status.name, role, status.atr))
            elif before and not status.card_present:
                self._emit(CardRemoved(status.name, role))
            self._present[status.name] = status.card_present

    def _run(self) -> None:
        pnp_state = STATE_UNAWARE
        while not self._stop.is_set():
            context = self._context
            try:
                if context is None:
                    context = self._factory()
                    with self._lock:
                        self._context = context
                    if self._stop.is_set():
                        break
                    pnp_state = STATE_UNAWARE
                self._sync_readers(context.list_readers())
                if self._rebound.is_set():
                    self._post_new_roles()
                current = dict(self._readers)
                current[PNP_READER] = pnp_state
                statuses = context.wait_for_change(current, self._poll)
                if statuses is not None:
                    for status in statuses:
                        if status.name == PNP_READER:
                            pnp_state = status.event_state
                    self._apply(statuses)
                if all(state != STATE_UNAWARE for state in self._readers.values()):
                    self.ready.set()
            except ReaderGoneError:
                self._lose_all()
                self._drop_context()
                self.ready.set()
                self._stop.wait(self._retry)
            except Exception:
                log.exception("reader watcher: unexpected failure; retrying")
                self._drop_context()
                self._stop.wait(self._retry)
        self._drop_context()

    def _drop_context(self) -> None:
        with self._lock:
            context, self._context = self._context, None
        if context is not None:
            try:
                context.release()
            except Exception:
                log.debug("releasing a dead PC/SC context failed", exc_info=True)

"""The PKCS#11 module in a worker process that can be ended.

A C call into middleware cannot be cancelled from a thread; a process can be killed. The
worker (``devices.card.pkcs11_binding.serve``, started with the ``spawn`` method so that no
thread of the app is copied into it) loads the module once and answers one request at a
time. A request that takes longer than ``timeout`` seconds ends the worker and raises
``MiddlewareTimeoutError``; the next request starts a fresh worker. A worker that dies
raises ``MiddlewareFailedError``. The typed card errors that the worker reports are raised
here by name, so the caller sees the same errors as from the PIV backend.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from devices.card import errors
from devices.card.pin import PinKind, PinState

DEFAULT_MODULE = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"  # Debian's opensc-pkcs11
DEFAULT_SIGNING_MARKER = r"(?i)\((signing|sign|signature)( pin)?\)\s*$"
DEFAULT_TIMEOUT_SECONDS = 15.0
_START_TIMEOUT_SECONDS = 30.0

# The errors a worker may name; anything else is a middleware failure.
_RAISABLE: dict[str, type[errors.CardError]] = {
    cls.__name__: cls
    for cls in (
        errors.NoCardError,
        errors.CardRemovedError,
        errors.UnknownCardError,
        errors.Pkcs11ModuleError,
        errors.MiddlewareFailedError,
        errors.CardOperationNotAllowedError,
        errors.InvalidPinFormatError,
        errors.SecurityStatusNotSatisfiedError,
        errors.MalformedResponseError,
    )
}
_PIN_ERRORS: dict[str, type[errors.PinError]] = {
    cls.__name__: cls for cls in (errors.WrongPinError, errors.WrongPukError)
}
_LOCK_ERRORS: dict[str, type[errors.PinLockedError | errors.PukBlockedError]] = {
    "PinLockedError": errors.PinLockedError,
    "PukBlockedError": errors.PukBlockedError,
}


def state_from(params: dict[str, Any]) -> PinState:
    """The flags-only ``PinState`` the worker reports."""
    return PinState(
        count_low=bool(params.get("count_low")),
        final_try=bool(params.get("final_try")),
        locked=bool(params.get("locked")),
        verified=bool(params.get("verified")),
    )


def _raise(name: str, params: dict[str, Any]) -> None:
    if name in _PIN_ERRORS:
        kind = PinKind(params.get("kind", PinKind.LOGIN))
        raise _PIN_ERRORS[name](state=state_from(params), kind=kind)
    if name in _LOCK_ERRORS:
        raise _LOCK_ERRORS[name](kind=PinKind(params.get("kind", PinKind.LOGIN)))
    raise _RAISABLE.get(name, errors.MiddlewareFailedError)(**params)


def _ensure_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (once per process) with a real stderr.

    The tracker hands ``sys.stderr.fileno()`` to its process; while a Textual app runs,
    ``sys.stderr`` is Textual's capture, whose ``fileno()`` is -1, and the spawn fails
    with ``ValueError: bad value(s) in fds_to_keep``. The process's own stderr stands in
    for the short time the tracker takes to start."""
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable or sys.__stderr__ is None:
        resource_tracker.ensure_running()
        return
    with _TRACKER_LOCK, contextlib.redirect_stderr(sys.__stderr__):
        resource_tracker.ensure_running()


_TRACKER_LOCK = threading.Lock()


class Pkcs11Worker:
    """One worker process for one PKCS#11 module; ``call`` is thread-safe (one at a time)."""

    def __init__(
        self,
        module_path: str = DEFAULT_MODULE,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        signing_marker: str = DEFAULT_SIGNING_MARKER,
    ) -> None:
        self.module_path = module_path
        self.timeout = timeout
        self.signing_marker = signing_marker
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._pipe: Connection | None = None
        self.generation = 0  # how many workers were started (a new one forgets open cards)

    def __repr__(self) -> str:
        return f"Pkcs11Worker(module={self.module_path!r}, running={self.running})"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def _start(self) -> Connection:
        from devices.card.pkcs11_binding import serve

        _ensure_resource_tracker()
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=serve,
            args=(child, self.module_path, self.signing_marker),
            name="pkcs11-worker",
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._pipe = process, parent
        self.generation += 1
        answer = self._receive(parent, _START_TIMEOUT_SECONDS)
        if answer[0] != "ok":
            self._end()
            _raise(answer[1], answer[2])
        return parent

    def _receive(self, pipe: Connection, timeout: float) -> tuple[Any, ...]:
        try:
            ready = pipe.poll(timeout)
        except (EOFError, OSError):
            ready = True
        if not ready:
            self._end()
            raise errors.MiddlewareTimeoutError(seconds=round(timeout))
        try:
            answer: tuple[Any, ...] = pipe.recv()
        except (EOFError, OSError):
            self._end()
            raise errors.MiddlewareFailedError(code="worker ended") from None
        return answer

    def call(self, operation: str, *args: Any) -> Any:
        """Run ``operation`` in the worker; raises the typed error it reports."""
        with self._lock:
            pipe = self._pipe if self.running and self._pipe is not None else self._start()
            try:
                pipe.send((operation, *args))
            except (OSError, ValueError):
                self._end()
                raise errors.MiddlewareFailedError(code="worker ended") from None
            answer = self._receive(pipe, self.timeout)
        if answer[0] == "ok":
            return answer[1]
        _raise(answer[1], answer[2])
        return None  # pragma: no cover - _raise always raises

    def _end(self) -> None:
        process, self._process = self._process, None
        pipe, self._pipe = self._pipe, None
        if pipe is not None:
            pipe.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5)

    def close(self) -> None:
        """Ask the worker to stop, and end it if it does not."""
        with self._lock:
            if self._pipe is not None and self.running:
                with contextlib.suppress(OSError, ValueError):
                    self._pipe.send(None)
                if self._process is not None:
                    self._process.join(2)
            self._end()

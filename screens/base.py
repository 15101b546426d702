"""The base of every kiosk screen: catalogue-translated key bindings and blocking I/O in
thread workers that report back on the event loop (and not at all once the screen is gone).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from textual.screen import ModalScreen, Screen
from textual.widgets import Input

from kiosk.i18n import Catalogue
from kiosk.services.context import UiContext

T = TypeVar("T")

# (keys, action, catalogue key of the footer description)
KeySpec = tuple[str, str, str]

PIN_PATTERN = r"[0-9]*"


def pin_input(input_id: str, placeholder: str, *, max_length: int = 8) -> Input:
    """A masked code field: never echoed, digits only; its value is cleared after use."""
    return Input(
        password=True,
        id=input_id,
        placeholder=placeholder,
        max_length=max_length,
        restrict=PIN_PATTERN,
    )


class _Translated:
    KEYS: ClassVar[tuple[KeySpec, ...]] = ()
    ctx: UiContext

    def t(self, key: str, **params: Any) -> str:
        return self.ctx.catalogue(key, **params)

    def error_text(self, exc: BaseException) -> str:
        return self.ctx.catalogue.error(exc)


def bind_keys(screen: Screen[Any], specs: tuple[KeySpec, ...], catalogue: Catalogue) -> None:
    """The screen's key bindings, their footer descriptions from the catalogue."""
    for keys, action, description_key in specs:
        screen._bindings.bind(keys, action, catalogue(description_key))


def run_in_thread(
    screen: Screen[Any],
    fn: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[BaseException], None],
    group: str,
) -> None:
    """``fn`` in a thread worker; ``done`` or ``failed`` hears of it on the event loop,
    and only while ``screen`` is still attached."""

    def deliver(callback: Callable[[Any], None], value: Any) -> None:
        if screen.is_attached:
            callback(value)

    def job() -> None:
        try:
            result = fn()
        except Exception as exc:
            _post(screen, deliver, failed, exc)
            return
        _post(screen, deliver, done, result)

    screen.run_worker(job, thread=True, group=group, exclusive=True, exit_on_error=False)


def _post(screen: Screen[Any], deliver: Callable[..., None], *args: Any) -> None:
    with contextlib.suppress(RuntimeError):  # the app is shutting down
        screen.app.call_from_thread(deliver, *args)


class KioskScreen(_Translated, Screen[Any]):
    """A full screen of the kiosk: status bar on top, footer with bindings below."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        bind_keys(self, self.KEYS, ctx.catalogue)

    def run_io(
        self,
        fn: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None],
        *,
        group: str = "io",
    ) -> None:
        run_in_thread(self, fn, done, failed, group)


class KioskModal(_Translated, ModalScreen[Any]):
    """A dialog over the current screen."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        bind_keys(self, self.KEYS, ctx.catalogue)

    def run_io(
        self,
        fn: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None],
        *,
        group: str = "io",
    ) -> None:
        run_in_thread(self, fn, done, failed, group)

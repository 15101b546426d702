"""The base of every kiosk screen: key bindings from ``KEYS`` and blocking I/O in thread
workers that report back on the event loop (and not at all once the screen is gone).

A screen's keys are its ``KEYS``: (keys, action, catalogue key of the description). They
become the class's Textual ``BINDINGS`` when the class is created (``KeyedBindings``); the
description stays a catalogue key, which the key bar translates in the screen's language
(``screens.key_bar.KeyBar``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

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


def key_bindings(specs: tuple[KeySpec, ...]) -> list[Binding]:
    """``KEYS`` as Textual bindings; each description is a catalogue key."""
    return [Binding(keys, action, description_key) for keys, action, description_key in specs]


FOCUS_KEYS = frozenset({"tab", "shift+tab"})


def _moves_focus_at_once(binding: Any) -> Any:
    """Tab and Shift+Tab as priority bindings: the App runs them when it takes the key
    from the terminal, before it hands the next key to the focused widget. Otherwise
    the key travels through the focused widget's queue first, and the characters typed
    right after it still reach the field Tab is leaving ("aaa", Tab, "bbb" gave "aaabbb")."""
    if isinstance(binding, Binding) and binding.key in FOCUS_KEYS:
        return dataclasses.replace(binding, priority=True)
    return binding


def _help_key(cls: type) -> list[Binding]:
    """F1 in a dialog too: the App's keys do not reach past a modal screen."""
    if not issubclass(cls, ModalScreen):
        return []
    if any("f1" in keys.split(",") for keys, _action, _description in cls.KEYS):  # type: ignore[attr-defined]
        return []
    return [Binding("f1", "app.help", "ui.key.help")]


class KeyedBindings:
    """A class that names ``KEYS`` binds exactly those keys, besides Textual's own screen
    bindings (focus, copy) and the hidden ``BINDINGS`` it declares itself: a parent's
    ``KEYS`` count only when the class lists them too (``(*Parent.KEYS, ...)``), and the
    keys keep the order ``KEYS`` gives them."""

    KEYS: ClassVar[tuple[KeySpec, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "KEYS" in cls.__dict__:
            textual_own = [
                _moves_focus_at_once(binding)
                for base in reversed(cls.__mro__)
                if base.__module__.startswith("textual.")
                for binding in base.__dict__.get("BINDINGS", [])
            ]
            own = list(cls.__dict__.get("BINDINGS", []))  # hidden keys the class binds itself
            help_key = _help_key(cls)
            cls.BINDINGS = [*textual_own, *key_bindings(cls.KEYS), *help_key, *own]  # type: ignore[attr-defined]
            kwargs["inherit_bindings"] = False
        super().__init_subclass__(**kwargs)


class _Translated(KeyedBindings):
    ctx: UiContext

    def t(self, key: str, **params: Any) -> str:
        return self.ctx.catalogue(key, **params)

    def error_text(self, exc: BaseException) -> str:
        return self.ctx.catalogue.error(exc)


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

    def run_io(
        self,
        fn: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None],
        *,
        group: str = "io",
    ) -> None:
        run_in_thread(self, fn, done, failed, group)

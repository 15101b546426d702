"""The key bar at the bottom of every screen: the active bindings with their descriptions
in the screen's language (a binding's description is a catalogue key), on one line. One
widget (Textual's Footer builds one per key, which made every screen switch pay for
re-creating and re-styling them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from kiosk.i18n import Catalogue
from screens.textual_words import textual_description_key

KEY_BAR_CSS = Path(__file__).with_name("key_bar.tcss")
"""The widget's styles; widgets have no ``CSS_PATH``, so the App loads this file."""


SHIFTED_F_KEYS = {
    **{f"f{n + 12}": f"⇧f{n}" for n in range(1, 13)},
    **{f"shift+f{n}": f"⇧f{n}" for n in range(1, 13)},
}
"""Shift+F1..F12 reach the app as F13..F24 (xterm's sequences): shown as the clerk presses them."""


def key_display(app: Any, binding: Binding) -> str:
    """How the key bar and the help name the binding's key (``f24`` as ``⇧f12``)."""
    if binding.key in SHIFTED_F_KEYS and not binding.key_display:
        return SHIFTED_F_KEYS[binding.key]
    return str(app.get_key_display(binding))


class KeyBar(Static):
    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self._t = catalogue

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.show_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Any) -> None:
        if screen is self.screen:
            self.show_keys()

    def show_keys(self) -> None:
        parts: list[Text] = []
        seen: set[str] = set()
        for _key, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            key = key_display(self.app, binding)
            parts.append(
                Text.assemble(
                    (key, "bold reverse" if enabled else "dim reverse"),
                    (f" {self.describe(binding.description)}", "" if enabled else "dim"),
                )
            )
        line = Text(" ").join(parts)
        line.no_wrap = True
        line.overflow = "ellipsis"
        self.update(line)

    def describe(self, description: str) -> str:
        """A catalogue key in the screen's language; any other text as it is."""
        key = textual_description_key(description)
        return self._t(key) if self._t.has(key) else description

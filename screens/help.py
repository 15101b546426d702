"""F1 on every screen: every key of the screen below, footer or not, with its meaning in
the catalogue's language. Made from the screen's active bindings, so it cannot miss one.

``screen_keys`` is the list: the App's keys, the screen's and those of the kiosk's own
widgets in the focus chain. The editing keys of Textual's fields and tables (arrows,
Home/End, Backspace, Tab between fields) are the terminal's usual ones and are named in
one line (``ui.help.editing``) instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from kiosk.i18n import Catalogue
from screens.base import KeySpec, KioskModal
from screens.key_bar import KeyBar, key_display
from screens.textual_words import textual_description_key


def textual_own(binding: Binding, node: Any) -> bool:
    """A binding that Textual's own class declared (a field's editing keys, focus keys)."""
    for cls in type(node).__mro__:
        if cls.__module__.startswith("textual.") and any(
            isinstance(b, Binding)
            and b.action == binding.action
            and binding.key in {k.strip() for k in b.key.split(",")}
            for b in cls.__dict__.get("BINDINGS", [])
        ):
            return True
    return False


def screen_keys(screen: Screen[Any]) -> list[tuple[str, Binding]]:
    """(key, binding) of every key the clerk can press on ``screen`` now that does
    something of the kiosk's, in the order Textual resolves them."""
    keys = []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if textual_own(binding, active.node) and binding.action != "quit":
            continue
        if not active.enabled:
            continue
        keys.append((key, binding))
    return keys


def describe(catalogue: Catalogue, binding: Binding) -> str:
    key = textual_description_key(binding.description)
    return catalogue(key) if catalogue.has(key) else binding.description


class HelpScreen(KioskModal):
    """The keys of the screen it was opened over; Escape or F1 closes."""

    CSS_PATH = Path(__file__).with_name("help.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (("escape,f1", "close", "ui.key.close"),)

    def __init__(self, ctx: Any, below: Screen[Any]) -> None:
        super().__init__(ctx)
        self.below = below

    def lines(self) -> list[str]:
        seen: set[tuple[str, str]] = set()
        lines = []
        for _key, binding in screen_keys(self.below):
            text = describe(self.ctx.catalogue, binding)
            shown = key_display(self.app, binding)
            if (shown, text) in seen:
                continue
            seen.add((shown, text))
            lines.append(f"{shown:>10}  {text}")
        return lines

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.t("ui.help.title"), classes="title")
            yield Static("\n".join(self.lines()), id="help-keys")
            yield Static(self.t("ui.help.editing"), classes="line")
        yield KeyBar(self.ctx.catalogue)

    def action_close(self) -> None:
        self.dismiss(None)

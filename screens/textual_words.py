"""Textual's own words in the catalogue's language.

Textual writes a few texts of its own that reach the clerk: binding descriptions of its
widgets (the select menu's "Dismiss menu"), the Ctrl+C notice ("Do you want to quit?") and
the command palette's "No matches found". The descriptions map to catalogue keys here
(the key bar translates them); the notice is ``screens.quit_confirm.show_quit_hint``; the
palette's text lives in a private method of ``CommandPalette``, restated below, which is why
pyproject pins Textual's minor version (a pilot test reads the Swedish text on screen).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from kiosk.i18n import Catalogue

TEXTUAL_DESCRIPTIONS: dict[str, str] = {
    "Dismiss menu": "ui.textual.dismiss_menu",
    "Exit the command palette": "ui.textual.palette_exit",
}
"""Textual's binding descriptions that can show in the key bar, by catalogue key."""


def textual_description_key(description: str) -> str:
    """The catalogue key of one of Textual's binding descriptions (any other: itself)."""
    return TEXTUAL_DESCRIPTIONS.get(description, description)


class KioskCommandPalette(CommandPalette):
    """The command palette with its "no matches" line in the catalogue's words."""

    def __init__(self, catalogue: Catalogue, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._no_matches_text = catalogue("ui.textual.no_matches")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual 8.2's own method with the catalogue's text.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(self._no_matches_text, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)

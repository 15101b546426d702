"""The App's own keys, on every screen. Descriptions are catalogue keys (the key bar
translates them); F1 lists every key of the screen (``screens.help``), those the footer has
no room for included.

One meaning per key across the kiosk: a screen's keys never reuse one of these (or a
counter workflow's, ``screens.workflows.launch``) for something else; the pilot test
``test_every_key_is_listed_and_has_one_meaning`` holds the table of key to meaning.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import Binding, BindingType

PENDING_BLOCKS_KEYS = "f24,shift+f12"  # Shift+F12: xterm sends it as F24
PENDING_BLOCKS_DISPLAY = "⇧f12"

# Textual's quit and palette bindings are restated with the kiosk's texts; the palette key shows.
APP_BINDINGS: list[BindingType] = [
    Binding("f1", "help", "ui.key.help"),
    Binding(
        "ctrl+q",
        "quit",
        "ui.key.quit",
        tooltip="Quit the app and return to the command prompt.",
        show=False,
        priority=True,
    ),
    Binding(
        App.COMMAND_PALETTE_BINDING,
        "command_palette",
        "ui.key.palette",
        key_display=App.COMMAND_PALETTE_DISPLAY,
        priority=True,
        tooltip="Open the command palette",
    ),
    Binding("ctrl+l", "lock", "ui.key.lock", show=False),  # shown where the footer has room
    Binding("f12", "sync_now", "ui.key.sync_now", show=False),
    Binding(  # the status bar's block count
        PENDING_BLOCKS_KEYS,
        "pending_blocks",
        "ui.key.pending_blocks",
        key_display=PENDING_BLOCKS_DISPLAY,
        show=False,
    ),
    Binding("f9", "device_panel", "ui.key.devices"),  # the demo's only (check_action)
]


class AppKeyActions:
    """The App's key actions that need no more than the screen stack."""

    screen: Any
    work: Any

    def action_help(self: Any) -> None:
        """F1: the keys of the screen on top (not over the help itself)."""
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.ctx, self.screen))

    def _bind_workflow_keys(self: Any) -> None:
        """The counter workflows' keys, on every work screen; the help lists them."""
        for entry in self.work.workflow_entries():
            description = f"workflows.cmd.{entry.name}"
            action = f"workflow('{entry.name}')"
            self.bind(entry.suggested_key, action, description=description, show=False)

"""The App's own keys, on every screen. Descriptions are catalogue keys (the key bar
translates them)."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding, BindingType

# Textual's quit and palette bindings are restated with the kiosk's texts; the palette key shows.
APP_BINDINGS: list[BindingType] = [
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
    Binding("ctrl+l", "lock", show=False),  # everywhere, shown where the footer has room
    Binding("f12", "sync_now", show=False),
    Binding("shift+f12", "pending_blocks", show=False),  # the status bar's block count
    Binding("f9", "device_panel", "ui.key.devices"),  # the demo's only (check_action)
]

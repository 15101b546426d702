"""The command palette's entries (Ctrl+P): the clerk's commands while logged in, every
counter workflow, the device panel in the demo, and quit. Textual's own system commands
(themes, screenshots, keys) are not offered at the counter."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, cast

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from screens.app import KioskApp


def palette_commands(app: KioskApp) -> list[SystemCommand]:
    """What the palette offers now (the catalogue's titles and help texts)."""
    t = app.ctx.catalogue
    services = app.ctx.services.get() if app.ctx.services.ready else None
    commands: list[SystemCommand] = []
    if app.logged_in:
        commands += [
            SystemCommand(t("ui.cmd.home"), t("ui.cmd.home.help"), app.action_go_home),
            SystemCommand(t("ui.cmd.visit"), t("ui.cmd.visit.help"), app.action_open_visit),
            SystemCommand(t("ui.cmd.lookup"), t("ui.cmd.lookup.help"), app.action_open_lookup),
            SystemCommand(
                t("ui.cmd.card_test"), t("ui.cmd.card_test.help"), app.action_open_card_test
            ),
            SystemCommand(t("ui.cmd.end_visit"), t("ui.cmd.end_visit.help"), app.action_end_visit),
            SystemCommand(t("ui.cmd.lock"), t("ui.cmd.lock.help"), app.action_lock),
        ]
        for entry in app.work.workflow_entries():
            if not app.work.workflow_permitted(entry.name):
                continue  # offered only to an operator the services let take it
            commands.append(
                SystemCommand(
                    entry.title, entry.help, functools.partial(app.action_workflow, entry.name)
                )
            )
        commands += [
            SystemCommand(t("ui.cmd.sync"), t("ui.cmd.sync.help"), app.action_sync_now),
            SystemCommand(
                t("ui.cmd.rejected", count=app.rejected_count),
                t("ui.cmd.rejected.help"),
                app.action_rejected_events,
            ),
        ]
        commands.append(
            SystemCommand(
                t("ui.cmd.pending_blocks", count=app.status.figures.waiting_blocks),
                t("ui.cmd.pending_blocks.help"),
                app.action_pending_blocks,
            )
        )
        if services is not None and services.receipts is not None:
            commands.append(
                SystemCommand(
                    t("ui.cmd.reprint"), t("ui.cmd.reprint.help"), app.action_reprint_receipt
                )
            )
        if services is not None and services.reports is not None:
            commands.append(
                SystemCommand(
                    t("ui.cmd.day_report"), t("ui.cmd.day_report.help"), app.action_day_report
                )
            )
            commands.append(
                SystemCommand(
                    t("ui.cmd.day_events"), t("ui.cmd.day_events.help"), app.work.open_day_events
                )
            )
    if app.ctx.demo_mode:
        commands.append(
            SystemCommand(t("ui.cmd.devices"), t("ui.cmd.devices.help"), app.action_device_panel)
        )
    commands.append(SystemCommand(t("ui.cmd.quit"), t("ui.cmd.quit.help"), app.action_quit))
    return commands


def open_palette(app: KioskApp) -> None:
    """Ctrl+P: the palette, its prompt in the catalogue's words."""
    from textual.command import CommandPalette

    from screens.textual_words import KioskCommandPalette

    if app.use_command_palette and not CommandPalette.is_open(app):  # type: ignore[arg-type]
        placeholder = app.ctx.catalogue("ui.palette.placeholder")
        palette = KioskCommandPalette(
            app.ctx.catalogue, id="--command-palette", placeholder=placeholder
        )
        app.push_screen(palette)


class KioskCommands(Provider):
    """The palette's provider: every command listed when the palette opens (by title),
    fuzzy-matched as the clerk types."""

    def commands(self) -> list[SystemCommand]:
        return palette_commands(cast("KioskApp", self.app))

    async def discover(self) -> Hits:
        for command in sorted(self.commands(), key=lambda command: command.title):
            if command.discover:
                yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            if (match := matcher.match(command.title)) > 0:
                yield Hit(
                    match, matcher.highlight(command.title), command.callback, help=command.help
                )

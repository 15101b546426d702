"""The start screen after login: what the clerk can do, one key each."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from screens.base import KeySpec, KioskScreen
from screens.key_bar import KeyBar
from screens.status_bar import StatusBar


class HomeScreen(KioskScreen):
    CSS_PATH = Path(__file__).with_name("home.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("f2", "app.open_visit", "ui.key.visit"),
        ("f3", "app.open_lookup", "ui.key.lookup"),
        ("f7", "app.open_card_test", "ui.key.card_test"),
        ("ctrl+l", "app.lock", "ui.key.lock"),
        ("f24,shift+f12", "app.pending_blocks", "ui.key.pending_blocks"),  # the status bar's count
    )

    def compose(self) -> ComposeResult:
        operator = self.ctx.session.operator
        name = operator.display_name if operator else ""
        yield StatusBar(self.ctx.catalogue)
        with Vertical(id="home-box"):
            yield Static(self.t("ui.home.title", name=name), id="home-title")
            yield Static(self.t("ui.home.menu"), id="home-menu")
            notices = self._login_notices()
            if notices:
                yield Static(notices, id="home-notices")
        yield KeyBar(self.ctx.catalogue)

    def _login_notices(self) -> str:
        """What the login said the operator should read: the limit to blocking cards
        ("Inloggad endast för spärr: ..."), a stale revocation list, a cached list left out."""
        operator = self.ctx.session.operator
        if operator is None:
            return ""
        lines = []
        for key, params in operator.warnings:
            text = self.t(key, **params)
            if key == operator.limited_key:
                text = self.t("ui.home.blocking_only", reason=text)
            lines.append(text)
        return "\n".join(lines)

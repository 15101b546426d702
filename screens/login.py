"""The lock screen: insert your own card in the operator reader and type the PIN. When
both readers hold operators' cards, the kiosk asks which reader holds yours
(``ReaderChoiceScreen``) and logs in with the card in it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from kiosk.services.errors import OperatorReaderAmbiguousError
from screens.base import KeySpec, KioskScreen, pin_input
from screens.key_bar import KeyBar
from screens.messages import LoggedIn
from screens.status_bar import StatusBar

if TYPE_CHECKING:
    from kiosk.services.login import LoggedInOperator


class LoginScreen(KioskScreen):
    """Forced card login; also the screen the kiosk falls back to when it locks."""

    CSS_PATH = Path(__file__).with_name("login.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = ()

    def compose(self) -> ComposeResult:
        yield StatusBar(self.ctx.catalogue)
        with Vertical(id="login-box"):
            yield Static(self.t("ui.login.title"), id="login-title")
            yield Static(self.t("ui.login.instructions"), id="login-instructions")
            yield pin_input("pin", self.t("ui.login.pin_placeholder"))
            yield Static(self.t("ui.login.hint_idle"), id="login-message")
            if self.ctx.demo_mode:
                yield Static(self.t("ui.login.demo_hint"), id="login-demo")
        yield KeyBar(self.ctx.catalogue)

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    def on_screen_resume(self) -> None:
        self.query_one("#pin", Input).value = ""
        self.query_one("#pin", Input).focus()

    def show_message(self, text: str, *, refused: bool = False) -> None:
        message = self.query_one("#login-message", Static)
        message.update(text)
        message.set_class(refused, "refused")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        pin = event.value
        event.input.value = ""
        if not pin:
            self.show_message(self.t("ui.login.enter_pin"), refused=True)
            return
        self._log_in(pin, None)

    def _log_in(self, pin: str, reader: str | None) -> None:
        self.show_message(self.t("ui.login.checking"))
        holder = self.ctx.services

        def login() -> LoggedInOperator:
            return holder.get().login.login(pin, operator_reader=reader)

        def refused(exc: BaseException) -> None:
            if isinstance(exc, OperatorReaderAmbiguousError) and reader is None:
                self._ask_reader(exc, pin)
            else:
                self._refused(exc)

        self.run_io(login, self._logged_in, refused, group="login")

    def _ask_reader(self, exc: OperatorReaderAmbiguousError, pin: str) -> None:
        """The PIN waits in this closure (never on the screen) while the operator chooses."""
        from screens.reader_choice import ReaderChoiceScreen

        self.show_message(self.error_text(exc))

        def chosen(reader: str | None) -> None:
            if reader is None:
                self.show_message(self.t("ui.login.hint_idle"))
            else:
                self._log_in(pin, reader)

        self.app.push_screen(ReaderChoiceScreen(self.ctx, exc.readers), chosen)

    def _logged_in(self, identity: LoggedInOperator) -> None:
        self.show_message(self.t("ui.login.welcome", name=identity.display_name))
        self.post_message(LoggedIn(identity))

    def _refused(self, exc: BaseException) -> None:
        self.show_message(self.error_text(exc), refused=True)

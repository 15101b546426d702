"""Shared parts of the workflow screens: translated bindings, a message line, workers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path, PurePath
from typing import Any, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kiosk.domain.decisions import Notice
from kiosk.i18n import Catalogue
from kiosk.services.login import Operator
from kiosk.services.ports import ReaderRole
from kiosk.services.visit import Visit
from kiosk.services.workflows.permissions import workflow_permitted
from screens.base import KeyedBindings, KeySpec, run_in_thread
from screens.key_bar import KeyBar
from screens.messages import ReaderChanged, WorkflowDone

T = TypeVar("T")

WORKFLOW_CSS = Path(__file__).with_name("base.tcss")  # every workflow dialog's


class WorkflowScreen(KeyedBindings, ModalScreen[Any]):
    """Base of the workflow dialogs: Escape leaves, Ctrl+S runs the step."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [WORKFLOW_CSS]
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("escape", "close", "workflows.key.close"),
        ("ctrl+s", "submit", "workflows.key.submit"),
    )

    initial_serial = ""  # the card the workflow was opened for, if any
    workflow: ClassVar[str] = ""  # its name in kiosk.services.workflows.permissions
    ACTING: ClassVar[frozenset[str]] = frozenset({"submit"})  # the keys that do the work
    needs_customer_card: ClassVar[bool] = False  # the step talks to the card in the reader

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.busy = False
        self.result: Any = None
        self.customer_card_gone = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers only what this operator may do: the keys that do the work
        (Ctrl+S and the screen's own, ``ACTING``) when the services let the operator take
        the workflow; a key not offered does nothing."""
        operator = self.acting_operator()
        if action in self.ACTING and self.workflow and operator is not None:
            return workflow_permitted(operator, self.workflow)
        return True

    def acting_operator(self) -> Operator | None:
        """Who works the dialog: its operator, or the operator of the visit it works in."""
        visit = getattr(self, "visit", None)
        found = visit.operator if isinstance(visit, Visit) else getattr(self, "operator", None)
        return found if isinstance(found, Operator) else None

    def compose(self) -> ComposeResult:
        # not a focus stop of its own: Tab goes from field to field, and nothing typed
        # lands on the container (the focused field is scrolled into view)
        with VerticalScroll(can_focus=False):
            yield from self.fields()
            yield Static(id="wf-message", classes="wf-message")
        yield KeyBar(self.catalogue)

    def fields(self) -> ComposeResult:  # pragma: no cover - each screen overrides it
        """The screen's own widgets, above the message line."""
        raise NotImplementedError

    def serial_input(self) -> Input:
        return Input(self.initial_serial, id="serial", placeholder=self.t("workflows.field.serial"))

    def t(self, key: str, **params: Any) -> str:
        return self.catalogue(key, **params)

    def notices(self, notices: Iterable[Notice]) -> str:
        return "\n".join(self.t(n.key, **dict(n.params)) for n in notices)

    def show(self, text: str, *, refused: bool = False, done: bool = False) -> None:
        message = self.query_one("#wf-message", Static)
        message.update(text)
        message.set_class(refused, "refused")
        message.set_class(done, "done")

    def refuse(self, exc: BaseException) -> None:
        self.busy = False
        self.show(self.catalogue.error(exc), refused=True)

    def value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def take(self, *selectors: str) -> list[str]:
        """Read code fields and clear them at once (a PIN or PUK stays nowhere)."""
        values = []
        for selector in selectors:
            field = self.query_one(selector, Input)
            values.append(field.value)
            field.value = ""
        return values

    def run_io(
        self,
        fn: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """``fn`` in a thread worker; the answer comes back on the event loop."""
        self.busy = True
        run_in_thread(self, fn, done, failed or self.refuse, "workflow")

    def action_close(self) -> None:
        self.dismiss(self.result)

    def action_submit(self) -> None:
        if not self.busy and self.check_action("submit", ()):
            self.submit()

    def submit(self) -> None:  # pragma: no cover - each screen overrides it
        raise NotImplementedError

    def finished(self, result: Any, text: str) -> None:
        """Show the outcome; the clerk closes with Escape (the result goes with it).
        The app hears of it at once (``WorkflowDone``) and makes the receipt."""
        self.busy = False
        self.result = result
        self.show(f"{text}\n{self.t('workflows.close_hint')}", done=True)
        self.query_one("#wf-message", Static).scroll_visible(animate=False)
        if getattr(result, "event_id", None):
            self.app.post_message(WorkflowDone(result))  # the app makes the receipt

    def on_reader_changed(self, message: ReaderChanged) -> None:
        """The app hands on reader changes: a step that needs the customer's card says at
        once that it left the customer reader (and that it is back)."""
        event = message.event
        if not self.needs_customer_card or event.role != ReaderRole.CUSTOMER or self.result:
            return
        if not event.card_present:
            self.customer_card_gone = True
            self.show(self.t("ui.card.left_customer_reader"), refused=True)
        elif self.customer_card_gone:
            self.customer_card_gone = False
            self.show(self.t("ui.card.back_in_customer_reader"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one it runs the step."""
        event.stop()
        fields = [field for field in self.query(Input) if field.display]
        index = fields.index(event.input) if event.input in fields else len(fields) - 1
        if index + 1 < len(fields):
            fields[index + 1].focus()
        else:
            self.action_submit()

"""PIN unlock (R7): in person for 7xx (PUK from the cache), code letter for 5xx/6xx/none.

The holder types the new PIN twice (and the code-letter PUK) on masked fields; nothing
typed is echoed, kept or logged. A card whose PUK is blocked cannot be saved: the screen
says so and offers a block (Ctrl+B) and a replacement order (Ctrl+Z). The global workflow keys
(Ctrl+O unlock, Ctrl+R return) keep their one meaning here too.

In person, the order's photo is shown beside the plan, as at activation, for the id-administrator
to compare the person with (Shift+F6 enlarges it); without one (a card ordered without photo, an
older card, a photo not here, or one that cannot be read) the screen says to compare with the
identity document only, and the unlock's event and receipt record which comparison was made.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from kiosk.domain.roles import Action, may
from kiosk.i18n import Catalogue
from kiosk.services.visit import Visit
from kiosk.services.workflows.blocking import BlockingService
from kiosk.services.workflows.common import Done
from kiosk.services.workflows.errors import CardCannotBeSavedError
from kiosk.services.workflows.unlock import UnlockPlan, UnlockService
from screens.base import KeySpec, pin_input
from screens.photo_view import PhotoView
from screens.workflows.base import WORKFLOW_CSS, WorkflowScreen
from screens.workflows.photo_compare import (
    ENLARGE_KEY,
    PhotoZoomDialog,
    comparison_text,
    show_comparison,
)


class UnlockScreen(WorkflowScreen):
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        WORKFLOW_CSS,
        Path(__file__).with_name("unlock.tcss"),
    ]
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        *WorkflowScreen.KEYS,
        ("ctrl+f", "order", "workflows.key.order_codes"),
        ("ctrl+b", "block", "workflows.key.block"),
        ("ctrl+z", "replacement", "workflows.key.replacement"),
        ENLARGE_KEY,
    )
    needs_customer_card = True

    def __init__(
        self,
        catalogue: Catalogue,
        service: UnlockService,
        visit: Visit,
        serial: str | None = None,
        *,
        blocking: BlockingService | None = None,
    ) -> None:
        super().__init__(catalogue)
        self.service = service
        self.visit = visit
        self.serial = serial or ""
        self.blocking = blocking
        self.plan: UnlockPlan | None = None
        self.cannot_be_saved = False
        self.photo_shown = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers only what this operator may do here: ordering codes is for
        id-administrators (R7), a replacement card only for a card that cannot be saved."""
        if action == "order":
            return may(self.visit.operator.role, Action.ORDER_CODES)
        if action == "replacement":
            return self.cannot_be_saved
        if action == "enlarge_photo":
            return self.photo_shown
        return True

    def fields(self) -> ComposeResult:
        yield Static(
            self.t("workflows.unlock.title", serial=self.serial), id="title", classes="wf-title"
        )
        with Horizontal(id="unlock-photo-row"):
            yield PhotoView(id="unlock-photo")
            with Vertical(id="unlock-side"):
                yield Static(id="plan", classes="wf-info")
                yield Static("", id="photo-compare", classes="wf-info")
                yield pin_input("puk", self.t("workflows.field.puk"))
                yield pin_input("new-pin", self.t("workflows.field.new_pin"))
                yield pin_input("repeat-pin", self.t("workflows.field.repeat_pin"))

    def on_mount(self) -> None:
        self.query_one("#unlock-photo", PhotoView).display = False
        self.query_one("#photo-compare", Static).display = False
        if self.serial:
            self.run_io(lambda: self.service.plan(self.visit, self.serial), self._planned)
        else:  # the card in the customer reader says which card it is
            self.run_io(self.service.card_in_reader, self._card_read)

    def _card_read(self, serial: str) -> None:
        self.serial = serial
        self.query_one("#title", Static).update(self.t("workflows.unlock.title", serial=serial))
        self.run_io(lambda: self.service.plan(self.visit, serial), self._planned)

    def _planned(self, plan: UnlockPlan) -> None:
        self.busy = False
        self.plan = plan
        how = "in_person" if plan.in_person else "code_letter"
        text = self.t(f"workflows.unlock.how.{how}") + "\n" + self.notices(plan.notices)
        self.query_one("#plan", Static).update(text)
        self._show_photo(plan)
        puk = self.query_one("#puk", Input)
        puk.display = not plan.in_person
        if plan.refusal is not None:  # said before anyone types: no code fields
            for field in self.query(Input):
                field.display = False
            self.cannot_be_saved = isinstance(plan.refusal, CardCannotBeSavedError)
            self.refresh_bindings()
            self.refuse(plan.refusal)
            if self.cannot_be_saved:
                error = self.catalogue.error(plan.refusal)
                self.show(f"{error}\n{self.t('workflows.unlock.offer')}", refused=True)
            return
        (self.query_one("#new-pin", Input) if plan.in_person else puk).focus()

    def _show_photo(self, plan: UnlockPlan) -> None:
        """In person: the order's photo beside the plan, or the word to compare with the
        identity document only (also for a stored photo that cannot be read)."""
        if not plan.in_person:
            return
        view = self.query_one("#unlock-photo", PhotoView)
        self.photo_shown = show_comparison(view, plan.photo)
        compare = self.query_one("#photo-compare", Static)
        compare.update(
            comparison_text(
                self.catalogue, shown=self.photo_shown, unreadable=plan.photo_unreadable
            )
        )
        compare.display = True
        self.refresh_bindings()

    def action_enlarge_photo(self) -> None:
        jpeg = self.query_one("#unlock-photo", PhotoView).jpeg
        if self.photo_shown and jpeg is not None:
            self.app.push_screen(PhotoZoomDialog(self.catalogue, jpeg))

    def submit(self) -> None:
        if self.plan is None or self.plan.refusal is not None:
            return
        puk, new_pin, repeated = self.take("#puk", "#new-pin", "#repeat-pin")
        if self.plan.in_person:

            def unlock() -> Done:
                return self.service.unlock_in_person(self.visit, self.serial, new_pin, repeated)
        else:

            def unlock() -> Done:
                return self.service.unlock_with_code_letter(
                    self.visit, self.serial, puk, new_pin, repeated
                )

        self.show(self.t("workflows.unlock.working"))
        self.run_io(unlock, self._unlocked, self._refused)

    def _unlocked(self, done: Done) -> None:
        text = self.t("workflows.unlock.done", serial=done.serial)
        if done.notices:
            text += "\n" + self.notices(done.notices)
        self.finished(done, text)

    def _refused(self, exc: BaseException) -> None:
        self.refuse(exc)
        if isinstance(exc, CardCannotBeSavedError):
            self.cannot_be_saved = True
            self.refresh_bindings()
            self.show(
                f"{self.catalogue.error(exc)}\n{self.t('workflows.unlock.offer')}", refused=True
            )
        self.query_one("#new-pin" if self.plan and self.plan.in_person else "#puk", Input).focus()

    def action_order(self) -> None:
        """No code letter (5xx/6xx/none) or a 7xx holder who cannot come: order codes."""
        if self.plan is None or self.busy:
            return
        operator = self.visit.operator
        if self.plan.in_person:

            def order() -> Done:
                return self.service.order_puk_letter(operator, self.serial)
        else:

            def order() -> Done:
                return self.service.order_code_letter(operator, self.serial)

        key = "workflows.unlock.ordered_puk" if self.plan.in_person else "workflows.unlock.ordered"
        self.run_io(order, lambda done: self.finished(done, self.t(key, serial=self.serial)))

    def action_block(self) -> None:
        if self.blocking is None or self.busy:
            return
        from screens.workflows.blocking import BlockScreen

        def blocked(result: Any) -> None:
            if result is not None:
                self.finished(result, self.t("workflows.block.done", serial=self.serial))

        self.app.push_screen(
            BlockScreen(self.catalogue, self.blocking, self.visit.operator, serial=self.serial),
            blocked,
        )

    def action_replacement(self) -> None:
        if self.blocking is None or self.busy or not self.cannot_be_saved:
            return
        blocking, operator = self.blocking, self.visit.operator
        self.run_io(
            lambda: blocking.order_replacement(operator, self.serial),
            lambda done: self.finished(
                done, self.t("workflows.unlock.replacement_ordered", serial=self.serial)
            ),
        )

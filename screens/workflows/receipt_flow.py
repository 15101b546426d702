"""The receipt after a workflow, on the counter's side: the desk's ``after_workflow`` in a
thread worker (printer, else folder); a return first asks the holder to sign on
``HolderSignScreen``, an activation (the hand-out) on ``HandOutSignScreen`` (terms of use,
the operator's and the holder's PDF signatures) when the desk has a hand-out signer; the
clerk is told where the receipt went, or why it did not.

The app owns one ``ReceiptFlow`` and starts it on each ``WorkflowDone``. Nothing here
touches the workflow's transaction: it has committed before the flow starts.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from textual.app import App

from kiosk.i18n import Catalogue

if TYPE_CHECKING:  # the receipt modules load the store: not before the first receipt
    from kiosk.receipts.desk import ReceiptDesk
    from kiosk.receipts.facts import ReceiptFacts
    from kiosk.receipts.service import ReceiptOutcome


def notify_receipt_failed(app: App[Any], catalogue: Catalogue, exc: BaseException) -> None:
    t = catalogue
    app.notify(
        t("ui.receipt.failed", problem=t.error(exc)),
        title=t("ui.receipt.title"),
        severity="error",
    )


class ReceiptFlow:
    """``start(desk, event_id)`` after each workflow; ``outcomes``: what became of each
    receipt, newest last."""

    def __init__(self, app: App[Any], catalogue: Catalogue) -> None:
        self.app = app
        self.catalogue = catalogue
        self.outcomes: list[ReceiptOutcome] = []

    def start(self, desk: ReceiptDesk, event_id: str) -> None:
        """The receipt of ``event_id``, once (the same ``Done`` handed on again gets none)."""
        if not desk.claim(event_id):
            return
        lang = self.catalogue.lang

        def job() -> None:
            try:
                step = desk.after_workflow(event_id, lang=lang)
            except Exception as exc:
                self._on_loop(self.failed, exc)
                return
            if step is None:
                return
            if step.outcome is None:
                self._on_loop(self._ask_holder_signature, desk, step.facts)
                return
            self._on_loop(self.issued, step.outcome, step.facts)

        self.app.run_worker(job, thread=True, group="receipt", exit_on_error=False)

    def _on_loop(self, callback: Callable[..., None], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the app is shutting down
            self.app.call_from_thread(callback, *args)

    def _ask_holder_signature(self, desk: ReceiptDesk, facts: ReceiptFacts) -> None:
        from screens.workflows.hand_out import HandOutSignScreen
        from screens.workflows.receipt import HolderSignScreen

        screen = HandOutSignScreen if desk.signs_hand_out(facts) else HolderSignScreen
        self.app.push_screen(
            screen(self.catalogue, desk, facts),
            functools.partial(self.issued, facts=facts),
        )

    def issued(self, outcome: ReceiptOutcome | None, facts: ReceiptFacts | None = None) -> None:
        """Tell the clerk where the receipt went (printed / saved in / failed, and why)."""
        if outcome is None:
            return
        self.outcomes.append(outcome)
        t = self.catalogue
        text = outcome.describe(t)
        if facts is not None and facts.needs_holder_signature and not outcome.signed:
            text += "\n" + t("ui.receipt.unsigned")
        delivery = outcome.delivery
        severity: Literal["information", "warning", "error"]
        if delivery is None or not delivery.delivered:
            severity = "error"
        elif outcome.problem:
            severity = "warning"
        else:
            severity = "information"
        self.app.notify(text, title=t("ui.receipt.title"), severity=severity, timeout=12)

    def failed(self, exc: BaseException) -> None:
        notify_receipt_failed(self.app, self.catalogue, exc)

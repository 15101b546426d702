"""The workflow screens as entries the app can put in its command palette and bindings.

``workflow_entries`` returns one ``WorkflowEntry`` per workflow: its catalogue title and
help, a suggested key, whether it needs a customer visit, and ``make`` to build the
screen from what is known at that moment (the visit context, the operator and the
serial of the customer's matched card, each given by a callable). ``session_entries``
takes those from the clerk's session. The app pushes ``entry.make()`` with
``push_screen(screen, callback)``; the callback receives the service's ``Done`` (or None
when the clerk left with Escape).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.screen import Screen

from kiosk.i18n import Catalogue
from kiosk.services.context import Session, UiContext
from kiosk.services.login import Operator
from kiosk.services.visit import Visit
from kiosk.services.workflows.container import Workflows
from kiosk.services.workflows.errors import NoHolderInVisitError
from screens.photo_capture import PhotoCaptureScreen
from screens.workflows.activation import ActivationScreen
from screens.workflows.blocking import BlockScreen
from screens.workflows.card_facts import CardFactsScreen
from screens.workflows.deadlines import NameChangeScreen, ReturnScreen
from screens.workflows.order import OrderScreen, PhotoCapture
from screens.workflows.pin_change import PinChangeScreen
from screens.workflows.undelivered import UndeliveredScreen
from screens.workflows.unlock import UnlockScreen


@dataclass(frozen=True)
class WorkflowEntry:
    name: str
    title: str
    help: str
    suggested_key: str
    needs_visit: bool
    make: Callable[[], Screen[object]]


def workflow_entries(
    catalogue: Catalogue,
    flows: Workflows,
    *,
    visit: Callable[[], Visit | None],
    operator: Callable[[], Operator],
    serial: Callable[[], str | None] = lambda: None,
    photo_capture: PhotoCapture | None = None,
) -> list[WorkflowEntry]:
    """``visit()`` gives the current visit's context (None outside a visit), ``operator()``
    the logged-in operator, ``serial()`` the customer's matched card (or None);
    ``photo_capture`` makes the photo capture screen for the order visit."""

    def need_visit() -> Visit:
        context = visit()
        if context is None:
            raise NoHolderInVisitError()
        return context

    def checked_name() -> str | None:
        """The name on the identity document the visit checked, if it proved the holder."""
        context = visit()
        if context is None or context.identity is None or not context.identity_done:
            return None
        return context.identity.name

    makers: dict[str, tuple[str, bool, Callable[[], Screen[object]]]] = {
        "activation": (
            "f11",
            True,
            lambda: ActivationScreen(catalogue, flows.activation, need_visit(), serial()),
        ),
        "unlock": (
            "ctrl+o",
            True,
            lambda: UnlockScreen(
                catalogue, flows.unlock, need_visit(), serial(), blocking=flows.blocking
            ),
        ),
        "pin_change": (
            "ctrl+y",
            True,
            lambda: PinChangeScreen(catalogue, flows.pin_change, need_visit(), serial()),
        ),
        "block": (
            "ctrl+b",
            False,
            lambda: BlockScreen(
                catalogue,
                flows.blocking,
                operator(),
                serial=serial(),
                holder_present=visit() is not None,
            ),
        ),
        "undelivered": (
            "ctrl+n",
            False,
            lambda: UndeliveredScreen(catalogue, flows.undelivered, operator(), serial()),
        ),
        "name_change": (
            "ctrl+g",
            False,
            lambda: NameChangeScreen(
                catalogue, flows.name_change, operator(), serial(), new_name=checked_name()
            ),
        ),
        "return": (
            "ctrl+r",
            False,
            lambda: ReturnScreen(catalogue, flows.returns, operator(), serial()),
        ),
        "order": (
            "f13,shift+f1",
            True,
            lambda: OrderScreen(catalogue, flows.orders, need_visit(), photo_capture=photo_capture),
        ),
        "card_facts": (
            "ctrl+k",
            False,
            lambda: CardFactsScreen(catalogue, flows.card_facts, operator(), serial()),
        ),
    }
    return [
        WorkflowEntry(
            name,
            catalogue(f"workflows.cmd.{name}"),
            catalogue(f"workflows.cmd.{name}.help"),
            key,
            needs_visit,
            make,
        )
        for name, (key, needs_visit, make) in makers.items()
    ]


def session_operator(session: Session) -> Operator:
    """The logged-in operator, as the workflow services know them."""
    current = session.operator
    assert current is not None
    return current.operator


def session_visit(session: Session) -> Visit | None:
    """The current visit as it is when the workflow opens (None outside a visit): a document
    scanned while the workflow's dialog is up updates the visit screen, not the workflow."""
    current = session.visit
    return replace(current) if current is not None and session.operator else None


def session_serial(session: Session) -> str | None:
    """The serial of the customer's card when it matched the visit's holder."""
    current = session.visit
    match = current.card_match if current is not None else None
    return match.card_serial if match is not None and match.matched else None


def session_entries(ctx: UiContext, flows: Workflows) -> list[WorkflowEntry]:
    """The entries for the app: each screen made from the session as it is then."""
    session = ctx.session
    return workflow_entries(
        ctx.catalogue,
        flows,
        visit=functools.partial(session_visit, session),
        operator=functools.partial(session_operator, session),
        serial=functools.partial(session_serial, session),
        photo_capture=lambda: PhotoCaptureScreen(ctx),
    )

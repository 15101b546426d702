"""The workflow screens as entries the app can put in its command palette and bindings.

``workflow_entries`` returns one ``WorkflowEntry`` per workflow: its catalogue title and
help, a suggested key, whether it needs a customer visit, and ``make`` to build the
screen from what the app knows at that moment (the visit context, the operator and the
serial of the customer's matched card, each given by a callable). The app pushes
``entry.make()`` with ``push_screen(screen, callback)``; the callback receives the
service's ``Done`` (or None when the clerk left with Escape).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen

from kiosk.i18n import Catalogue
from kiosk.services.login import Operator
from kiosk.services.visit import Visit
from kiosk.services.workflows.container import Workflows
from kiosk.services.workflows.errors import NoHolderInVisit
from screens.workflows.activation import ActivationScreen
from screens.workflows.blocking import BlockScreen
from screens.workflows.deadlines import NameChangeScreen, ReturnScreen
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
) -> list[WorkflowEntry]:
    """``visit()`` gives the current visit's context (None outside a visit), ``operator()``
    the logged-in operator, ``serial()`` the customer's matched card (or None)."""

    def need_visit() -> Visit:
        context = visit()
        if context is None:
            raise NoHolderInVisit()
        return context

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
            lambda: NameChangeScreen(catalogue, flows.name_change, operator(), serial()),
        ),
        "return": (
            "ctrl+r",
            False,
            lambda: ReturnScreen(catalogue, flows.returns, operator(), serial()),
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

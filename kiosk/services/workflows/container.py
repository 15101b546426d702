"""Build every workflow service from the kiosk's parts in one call (for the app's
container): the store, its journal, the customer-reader card opener, the clock and,
optionally, the trust store and ``puk_refresh`` (a sync pull that says whether the
central answered)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from clock import Clock
from kiosk.services.card import CardOpener
from kiosk.services.ports import TrustStore
from kiosk.services.workflows.activation import ActivationService
from kiosk.services.workflows.blocking import BlockingService
from kiosk.services.workflows.card_facts import CardFactsService
from kiosk.services.workflows.common import Backend
from kiosk.services.workflows.name_change import NameChangeService
from kiosk.services.workflows.orders import OrderService, new_order_id
from kiosk.services.workflows.pin_change import PinChangeService
from kiosk.services.workflows.puk import CachedPukSource
from kiosk.services.workflows.returns import ReturnService
from kiosk.services.workflows.sweep import DeadlineSweep
from kiosk.services.workflows.undelivered import UndeliveredService
from kiosk.services.workflows.unlock import UnlockService
from store.database import Store
from store.journal import Journal


@dataclass(frozen=True)
class Workflows:
    activation: ActivationService
    unlock: UnlockService
    pin_change: PinChangeService
    blocking: BlockingService
    undelivered: UndeliveredService
    name_change: NameChangeService
    returns: ReturnService
    sweep: DeadlineSweep
    orders: OrderService
    card_facts: CardFactsService


def build_workflows(
    *,
    store: Store,
    journal: Journal,
    card_opener: CardOpener,
    clock: Clock,
    puk_refresh: Callable[[], bool] | None = None,
    new_order: Callable[[], str] = new_order_id,
    trust: TrustStore | None = None,
) -> Workflows:
    """``trust``: activation and unlock check the holder card's certificate against the
    cached revocation lists (blocking never does, R9)."""
    backend = Backend(store, journal, clock)
    return Workflows(
        activation=ActivationService(backend, card_opener=card_opener, trust=trust),
        unlock=UnlockService(
            backend,
            card_opener=card_opener,
            puk_source=CachedPukSource(store, refresh=puk_refresh),
            trust=trust,
        ),
        pin_change=PinChangeService(backend, card_opener=card_opener),
        blocking=BlockingService(backend),
        undelivered=UndeliveredService(backend, new_order_id=new_order),
        orders=OrderService(backend, new_id=new_order),
        name_change=NameChangeService(backend),
        returns=ReturnService(backend),
        sweep=DeadlineSweep(backend),
        card_facts=CardFactsService(backend),
    )

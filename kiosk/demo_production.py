"""The demo's card printer: for each order the central produced and the kiosk pulled
(state ``shipped`` with its card number), a virtual card personalised for the order's
holder with that card number joins the device panel's demo cards, ready to be inserted
and activated. A thread looks every few seconds; the demo's closers stop it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from devices.virtual.factory import DEMO_MASTER_SECRET, AssuranceLevel, CardFactory
from devices.virtual.pki import TestPki
from kiosk.demo_cast import DEMO_PIN
from kiosk.i18n import Catalogue
from kiosk.services.demo_controls import DemoCard, InProcessDemo
from store.cards import card_record
from store.database import Store
from store.holders import holder_by_id
from store.produced_orders import shipped_orders

LOG = logging.getLogger(__name__)
WATCH_INTERVAL_SECONDS = 2.0
RESERVE_LEVELS: dict[str, AssuranceLevel] = {"reserve_loa2": "LoA2", "reserve_loa3": "LoA3"}


def produced_card_id(card_serial: str) -> str:
    return f"produced-{card_serial}"


class ProducedCards:
    """Personalises the virtual cards of shipped orders into the demo controls."""

    def __init__(self, store: Store, pki: TestPki, demo: InProcessDemo, lang: str) -> None:
        self._store = store
        self._factory = CardFactory(pki, master_secret=DEMO_MASTER_SECRET)
        self._demo = demo
        self._text = Catalogue(lang)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def make_new_cards(self) -> list[str]:
        """Personalise the cards of shipped orders not made yet; their card numbers."""
        made: list[str] = []
        known = {item.item_id for item in self._demo.cards()}
        with self._store.unit_of_work() as tx:
            wanted = []
            for order in shipped_orders(tx):
                serial = order.card_serial
                if serial is None or produced_card_id(serial) in known:
                    continue
                holder = holder_by_id(tx, self._store.cipher, order.holder_id)
                if holder is None:
                    continue
                record = card_record(tx, serial)
                product_number = None if record is None else record.product_number
                wanted.append((serial, holder.personnummer, holder.name, order, product_number))
        for serial, personnummer, name, order, product_number in wanted:
            card = self._factory.personalise(
                holder_id=personnummer,
                name=name,
                serial=serial,
                product="none" if product_number is None else "7xx",
                product_number=product_number,
                pin=DEMO_PIN,
                signing=False,  # R5: downloaded by hand when a system needs it
                reserve=RESERVE_LEVELS.get(order.card_kind),
            )
            label = self._text("demo.card.produced", serial=serial[-4:], name=name)
            puk = card.puk if card.code_letter is not None else None
            self._demo.add_card(DemoCard(produced_card_id(serial), label, card.card, puk))
            made.append(serial)
        return made

    def start(self, interval: float = WATCH_INTERVAL_SECONDS) -> Callable[[], None]:
        """Look every ``interval`` seconds; returns the stop function."""
        self._thread = threading.Thread(
            target=self._watch, args=(interval,), name="demo-produced-cards", daemon=True
        )
        self._thread.start()
        return self.stop

    def _watch(self, interval: float) -> None:
        while not self._stopping.wait(interval):
            try:
                self.make_new_cards()
            except Exception:  # the demo's printer must not take the counter down
                LOG.warning("a produced demo card could not be made", exc_info=True)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(10)

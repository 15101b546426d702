"""Put offices, holders and cards into a local store: tests and benches.

Counter code never calls this; cards normally arrive from the central by sync.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from store.database import Store
from store.holders import new_holder
from store.models import Card, Office
from store.puk_cache import put_puk
from store.search_terms import replace_terms


@dataclass(frozen=True)
class CardSpec:
    serial: str
    holder_id: str
    state: str = "shipped"
    product_number: str | None = "701"
    shipment_method: str = "a_post"
    rek_id: str | None = None
    photo_office_id: str | None = None
    photo_date: dt.date | None = None
    order_date: dt.date = dt.date(2026, 9, 1)
    with_photo: bool = True
    sis_marked: bool = False
    has_signing_cert: bool = True
    is_reserve: bool = False
    assurance_level: str | None = None
    holder_chosen_code: bool = False


def add_office(store: Store, office_id: str, name: str) -> None:
    with store.unit_of_work() as session:
        if session.get(Office, office_id) is None:
            session.add(Office(id=office_id, name=name))


def add_holder(
    store: Store,
    holder_id: str,
    *,
    personnummer: str,
    name: str,
    hsa_id: str | None = None,
    organisation: str = "",
) -> None:
    with store.unit_of_work() as session:
        session.add(
            new_holder(
                store.cipher,
                personnummer=personnummer,
                name=name,
                hsa_id=hsa_id,
                organisation=organisation,
                holder_id=holder_id,
            )
        )
        session.flush()
        # the search terms, as the store's own ``add_holder`` writes them
        replace_terms(session, store.cipher, holder_id, name=name, personnummer=personnummer)


def add_card(store: Store, spec: CardSpec, *, now: dt.datetime, puk: str | None = None) -> None:
    """A card row changed at ``now``; ``puk`` (7xx only) goes into the encrypted PUK cache."""
    with store.unit_of_work() as session:
        session.add(
            Card(
                serial=spec.serial,
                holder_id=spec.holder_id,
                product_number=spec.product_number,
                state=spec.state,
                shipment_method=spec.shipment_method,
                rek_id=spec.rek_id,
                photo_office_id=spec.photo_office_id,
                photo_date=spec.photo_date,
                order_date=spec.order_date,
                with_photo=spec.with_photo,
                sis_marked=spec.sis_marked,
                has_signing_cert=spec.has_signing_cert,
                is_reserve=spec.is_reserve,
                assurance_level=spec.assurance_level,
                holder_chosen_code=spec.holder_chosen_code,
                updated_at=now,
            )
        )
        session.flush()
        if puk is not None:
            put_puk(
                session,
                store.cipher,
                card_serial=spec.serial,
                product_number=spec.product_number,
                puk=puk,
            )

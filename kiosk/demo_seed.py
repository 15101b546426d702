"""Seeding the store with the demo data of ``kiosk.demo_data``.

The operator roster is refreshed to the demo world's new certificates at each start.
Holders and cards are written once, on the first start, so what the clerk does in one
demo session is still there in the next.
"""

from __future__ import annotations

import datetime as dt

from clock import local_date
from devices.virtual.factory import DEMO_MASTER_SECRET, derive_puk
from kiosk.demo_data import (
    CARDS,
    DEMO_OFFICE_ID,
    DEMO_OFFICE_NAME,
    HOLDERS,
    OPERATORS,
    ORGANISATION,
    OTHER_OFFICE_ID,
    OTHER_OFFICE_NAME,
    DemoCardSpec,
)
from kiosk.demo_world import DemoWorld, operator_fingerprint
from protocol.event_types import EventType
from store.crypto import FieldCipher
from store.database import Store
from store.holders import new_holder, new_operator
from store.journal import Journal
from store.models import Card, Deadline, Office, Operator
from store.puk_cache import put_puk


def seed_store(
    store: Store,
    cipher: FieldCipher,
    journal: Journal,
    world: DemoWorld,
    *,
    now: dt.datetime,
) -> bool:
    """Write the demo office, roster, holders and cards once; refresh the roster always.

    Returns True when the demo data was written for the first time.
    """
    today = local_date(now)
    with store.unit_of_work() as session:
        first = session.get(Office, DEMO_OFFICE_ID) is None
        if first:
            session.add(Office(id=DEMO_OFFICE_ID, name=DEMO_OFFICE_NAME))
            session.add(Office(id=OTHER_OFFICE_ID, name=OTHER_OFFICE_NAME))
            session.flush()
        for op in OPERATORS:
            if not op.on_roster:
                continue
            fingerprint = operator_fingerprint(world.cards[op.key])
            row = session.get(Operator, op.hsa_id)
            if row is None:
                session.add(
                    new_operator(
                        cipher,
                        hsa_id=op.hsa_id,
                        role=op.role,
                        cert_fingerprint=fingerprint,
                        name=op.name,
                        office_id=DEMO_OFFICE_ID,
                        active=op.active,
                    )
                )
            else:
                row.cert_fingerprint = fingerprint
        if not first:
            return False
        holder_ids: dict[str, str] = {}
        for holder in HOLDERS:
            row_h = new_holder(
                cipher,
                personnummer=holder.personnummer,
                name=holder.name,
                hsa_id=holder.hsa_id,
                organisation=ORGANISATION,
            )
            session.add(row_h)
            holder_ids[holder.key] = row_h.id
        session.flush()
        for spec in CARDS:
            session.add(_card_row(spec, holder_ids[spec.holder], today, now))
        session.flush()
        for spec in CARDS:
            if spec.deadline is not None:
                kind, days = spec.deadline
                session.add(
                    Deadline(
                        id=f"demo-{spec.key}",
                        card_serial=spec.serial,
                        kind=kind,
                        due_date=today + dt.timedelta(days=days),
                    )
                )
            own_7xx = (spec.product_number or "").startswith("7")
            if own_7xx and spec.photo_office == DEMO_OFFICE_ID:
                put_puk(
                    session,
                    cipher,
                    card_serial=spec.serial,
                    product_number=spec.product_number,
                    puk=derive_puk(DEMO_MASTER_SECRET, spec.serial),
                )
        journal.append(
            session,
            event_type=EventType.DEMO_SEEDED,
            operator=None,
            payload={
                "office": DEMO_OFFICE_ID,
                "holders": len(HOLDERS),
                "cards": len(CARDS),
                "operators": len(OPERATORS),
            },
            now=now,
        )
    return True


def _card_row(spec: DemoCardSpec, holder_id: str, today: dt.date, now: dt.datetime) -> Card:
    photo_date = (
        None if spec.photo_days_ago is None else today - dt.timedelta(days=spec.photo_days_ago)
    )
    return Card(
        serial=spec.serial,
        holder_id=holder_id,
        product_number=spec.product_number,
        state=spec.state,
        shipment_method=spec.shipment,
        rek_id=spec.rek_id,
        photo_office_id=spec.photo_office,
        photo_date=photo_date,
        order_date=today - dt.timedelta(days=spec.order_days_ago),
        with_photo=spec.photo_days_ago is not None,
        sis_marked=spec.sis_marked,
        assurance_level=spec.reserve,
        is_reserve=spec.reserve is not None,
        has_signing_cert=spec.signing,
        replaced_by_serial=spec.replaced_by,
        blocked_reason=spec.blocked_reason,
        updated_at=now,
    )

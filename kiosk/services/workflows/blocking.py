"""Blocking a card (spärr, R9): at the counter or on a phone call to the office.

Neither the card nor the holder has to be present. For 5xx/6xx/no product number the
clerk confirms that the holder was told to block through Telia's blocking line too
(020-32 32 62); for a SIS-marked card lost or stolen, that a police report is needed.
The request records what the outage routine needs: holder (name, personnummer or
HSA-id), card serial, which certificates, operator and when the request came in. These
go into the journal payload only, which the store encrypts at rest; the event has
priority 0 so that sync pushes it before anything else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kiosk.domain.blocking import (
    BlockDuty,
    BlockRequest,
    block_duties,
    block_duty_notices,
    check_block,
)
from kiosk.domain.decisions import Notice
from kiosk.domain.roles import Action, require_role
from kiosk.domain.types import BlockReason, CardFacts, CardState
from kiosk.services.login import Operator
from kiosk.services.workflows.common import Backend, Done, card_facts, load_card, set_state
from kiosk.services.workflows.refusals import journals_refusals
from protocol.event_types import EventType
from store.database import Transaction
from store.deadlines import resolve_open_deadlines
from store.holders import holder_identity
from store.journal import PRIORITY_BLOCK
from store.records import CardRecord, HolderIdentity

EVENT_BLOCKED = EventType.CARD_BLOCKED
EVENT_ORDER_REPLACEMENT = EventType.ORDER_REPLACEMENT_CARD


@dataclass(frozen=True)
class BlockForm:
    """What the clerk filled in. ``received_at`` defaults to now (the call came in)."""

    serial: str
    reason: BlockReason
    card_present: bool = False
    holder_present: bool = False
    telia_confirmed: bool = False
    police_confirmed: bool = False
    received_at: dt.datetime | None = None
    certificates: tuple[str, ...] | None = None  # None: from the card record

    @property
    def confirmed(self) -> frozenset[BlockDuty]:
        duties = set()
        if self.telia_confirmed:
            duties.add(BlockDuty.TELIA_BLOCKING_LINE)
        if self.police_confirmed:
            duties.add(BlockDuty.POLICE_REPORT)
        return frozenset(duties)


@dataclass(frozen=True)
class BlockPreview:
    """For the screen: the card's state and which confirmations the block needs."""

    serial: str
    state: CardState
    series: str
    sis_marked: bool
    duties: frozenset[BlockDuty]
    notices: tuple[Notice, ...] = field(default=())

    @property
    def needs_telia(self) -> bool:
        return BlockDuty.TELIA_BLOCKING_LINE in self.duties

    @property
    def needs_police(self) -> bool:
        return BlockDuty.POLICE_REPORT in self.duties


def certificates_of(card: CardRecord) -> tuple[str, ...]:
    """The certificates a card holds, as the block request names them."""
    names = ["authentication"]
    if card.has_signing_cert:
        names.append("signing")
    return tuple(names)


def holder_fields(holder: HolderIdentity | None) -> dict[str, Any]:
    """Holder name, personnummer and HSA-id for the payload (encrypted at rest)."""
    if holder is None:
        return {}
    out: dict[str, Any] = {"holder_id": holder.id, "hsa_id": holder.hsa_id}
    if holder.name is None or holder.personnummer is None:
        return out  # written by another path; the holder id and HSA-id still identify
    out["holder_name"] = holder.name
    out["personnummer"] = holder.personnummer
    return out


def block_card(
    services: Backend,
    tx: Transaction,
    card: CardRecord,
    *,
    reason: BlockReason,
    operator: str | None,
    payload_extra: dict[str, Any],
) -> str:
    """Block ``card``, resolve its open deadlines and append its ``card.blocked`` event
    (priority 0), all in ``tx``."""
    now = services.clock()
    set_state(tx, card.serial, CardState.BLOCKED, now, blocked_reason=reason.value)
    resolve_open_deadlines(tx, card.serial)
    payload = {
        "serial": card.serial,
        "reason": reason.value,
        "certificates": list(certificates_of(card)),
        "state": CardState.BLOCKED.value,
        **holder_fields(holder_identity(tx, services.store.cipher, card.holder_id)),
        **payload_extra,
    }
    return services.append(tx, operator, EVENT_BLOCKED, payload, priority=PRIORITY_BLOCK)


class BlockingService:
    def __init__(self, services: Backend) -> None:
        self._s = services

    def now(self) -> dt.datetime:
        """The kiosk clock's moment: when a block request comes in (R9)."""
        return self._s.clock()

    @journals_refusals("replacement_order")
    def order_replacement(self, operator: Operator, serial: str) -> Done:
        """Offered with the block of a card that cannot be saved (PUK blocked)."""
        return order_replacement(self._s, operator, serial)

    def preview(self, serial: str, reason: BlockReason | None = None) -> BlockPreview:
        with self._s.store.unit_of_work() as tx:
            facts = card_facts(load_card(tx, serial))
        duties = block_duties(facts, reason)
        return BlockPreview(
            serial,
            facts.state,
            facts.series.value,
            facts.sis_marked,
            duties,
            block_duty_notices(duties),
        )

    def _request(self, operator: Operator, form: BlockForm, facts: CardFacts) -> BlockRequest:
        return BlockRequest(
            serial=form.serial,
            reason=form.reason,
            operator_id=operator.hsa_id,
            received_at=form.received_at or self._s.clock(),
            holder_ref=facts.holder_id,
            card_present=form.card_present,
            holder_present=form.holder_present,
            certificates=form.certificates or (),
            confirmed_duties=form.confirmed,
        )

    @journals_refusals("block")
    def block(self, operator: Operator, form: BlockForm) -> Done:
        """R9: block the card (raises the refusal when a confirmation is missing)."""
        require_role(operator.role, Action.BLOCK)
        with self._s.store.unit_of_work() as tx:
            record = load_card(tx, form.serial)
            facts = card_facts(record)
            request = self._request(operator, form, facts)
            check_block(facts, request).require()
            event_id = block_card(
                self._s,
                tx,
                record,
                reason=form.reason,
                operator=operator.hsa_id,
                payload_extra={
                    "certificates": list(form.certificates or certificates_of(record)),
                    "operator": operator.hsa_id,
                    "office_id": operator.office_id,
                    "received_at": request.received_at.isoformat(),
                    "card_present": form.card_present,
                    "holder_present": form.holder_present,
                    "duties_confirmed": sorted(d.value for d in request.confirmed_duties),
                },
            )
        return Done(
            event_id,
            form.serial,
            CardState.BLOCKED,
            block_duty_notices(block_duties(facts, form.reason)),
        )


def order_replacement(services: Backend, operator: Operator, serial: str) -> Done:
    """A new card for a card that cannot be saved (PUK blocked) or was blocked: the
    order goes to card management as a journal event (the card row arrives by sync)."""
    require_role(operator.role, Action.REORDER)
    with services.store.unit_of_work() as tx:
        record = load_card(tx, serial)
        event_id = services.append(
            tx,
            operator.hsa_id,
            EVENT_ORDER_REPLACEMENT,
            {"serial": serial, "holder_id": record.holder_id, "office_id": operator.office_id},
        )
    return Done(event_id, serial, CardState(record.state))

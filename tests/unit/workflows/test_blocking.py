"""Blocking (R9): reasons, Telia and police confirmations, what the request records."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kiosk.domain.types import BlockReason, Role
from kiosk.errors import (
    CardIsBlockedError,
    PoliceReportNotConfirmedError,
    TeliaCallNotConfirmedError,
)
from kiosk.services.workflows.blocking import BlockForm, BlockingService
from store.models import JournalRow
from tests.support.world import CLERK, NAME, OFFICE, PNR, World, operator


def test_r9_block_7xx_by_phone_without_card_or_holder(world: World) -> None:
    world.card(world.spec("B701", state="active"))
    received = world.now - dt.timedelta(minutes=3)
    form = BlockForm("B701", BlockReason.LOST, received_at=received)
    done = BlockingService(world.services).block(operator(), form)
    assert world.state("B701") == "blocked" and done.event_id
    ((event_type, payload, _, who),) = world.events()
    assert event_type == "card.blocked" and who == CLERK
    assert payload["serial"] == "B701" and payload["reason"] == "lost"
    assert payload["holder_name"] == NAME and payload["personnummer"] == PNR
    assert payload["hsa_id"] == "SE2321000016-H001"
    assert payload["certificates"] == ["authentication", "signing"]
    assert payload["operator"] == CLERK and payload["office_id"] == OFFICE
    assert payload["received_at"] == received.isoformat()
    assert payload["card_present"] is False and payload["holder_present"] is False
    assert world.priorities()["card.blocked"] == 0


def test_r9_personal_data_encrypted_at_rest(world: World) -> None:
    world.card(world.spec("B702", state="active"))
    BlockingService(world.services).block(operator(), BlockForm("B702", BlockReason.STOLEN))
    table = JournalRow.__table__  # type: ignore[attr-defined]
    with world.store.unit_of_work() as session:
        blob = session.execute(select(table.c.payload_enc)).scalar_one()
    assert PNR.encode() not in blob and NAME.encode() not in blob


@pytest.mark.parametrize("product_number", ["511", "611", None])
def test_r9_5xx_6xx_none_need_telia_confirmation(world: World, product_number: str | None) -> None:
    world.card(world.spec("B501", state="active", product_number=product_number))
    service = BlockingService(world.services)
    assert service.preview("B501").needs_telia
    with pytest.raises(TeliaCallNotConfirmedError) as info:
        service.block(operator(), BlockForm("B501", BlockReason.LOST))
    assert info.value.params["phone"] == "020-32 32 62"
    assert world.state("B501") == "active" and world.events() == []
    service.block(operator(), BlockForm("B501", BlockReason.LOST, telia_confirmed=True))
    assert world.state("B501") == "blocked"
    assert world.events()[0][1]["duties_confirmed"] == ["telia_blocking_line"]


def test_r9_7xx_needs_no_telia_call(world: World) -> None:
    world.card(world.spec("B703", state="active"))
    assert not BlockingService(world.services).preview("B703").needs_telia


def test_r9_sis_marked_lost_card_needs_police_report(world: World) -> None:
    world.card(world.spec("B704", state="active", sis_marked=True))
    service = BlockingService(world.services)
    assert service.preview("B704", BlockReason.STOLEN).needs_police
    assert not service.preview("B704", BlockReason.PIN_OR_PUK_KNOWN).needs_police
    with pytest.raises(PoliceReportNotConfirmedError):
        service.block(operator(), BlockForm("B704", BlockReason.STOLEN))
    service.block(operator(), BlockForm("B704", BlockReason.STOLEN, police_confirmed=True))
    assert world.state("B704") == "blocked"


@pytest.mark.parametrize("reason", list(BlockReason))
def test_r9_every_reason_blocks(world: World, reason: BlockReason) -> None:
    world.card(world.spec("B705", state="shipped"))
    form = BlockForm("B705", reason, card_present=True, holder_present=True)
    BlockingService(world.services).block(operator(Role.ID_ADMIN), form)
    assert world.state("B705") == "blocked"
    assert world.events()[0][1]["reason"] == reason.value


def test_r9_blocked_card_cannot_be_blocked_again(world: World) -> None:
    world.card(world.spec("B706", state="blocked"))
    with pytest.raises(CardIsBlockedError):
        BlockingService(world.services).block(operator(), BlockForm("B706", BlockReason.LOST))


def test_r9_puk_blocked_card_can_be_blocked(world: World) -> None:
    world.card(world.spec("B707", state="puk_blocked", product_number="511"))
    form = BlockForm("B707", BlockReason.PIN_OR_PUK_KNOWN, telia_confirmed=True)
    BlockingService(world.services).block(operator(), form)
    assert world.state("B707") == "blocked"

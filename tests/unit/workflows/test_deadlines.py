"""Name change (R10), return (R11) and the deadline sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kiosk.errors import CardIsReturned, KeepReasonMissing
from kiosk.services.workflows.errors import DeadlineInvalid
from kiosk.services.workflows.name_change import NameChangeService
from kiosk.services.workflows.returns import ReturnService
from kiosk.services.workflows.sweep import DeadlineSweep
from store.models import Deadline
from tests.unit.workflows.conftest import NOW, World, operator, spec


def deadlines(world: World) -> list[Deadline]:
    with world.store.unit_of_work() as session:
        return list(session.execute(select(Deadline)).scalars())


def test_r10_name_change_recorded_with_three_month_deadline(world: World) -> None:
    world.card(spec("D1", state="active"))
    done = NameChangeService(world.services).record(operator(), "D1", dt.date(2026, 11, 28))
    assert done.due == dt.date(2027, 2, 28)
    (row,) = deadlines(world)
    assert row.kind == "name_change" and row.due_date == dt.date(2027, 2, 28)
    assert [e[0] for e in world.events()] == ["card.name_change_recorded"]


def test_r10_date_in_future_refused(world: World) -> None:
    world.card(spec("D2", state="active"))
    with pytest.raises(DeadlineInvalid):
        NameChangeService(world.services).record(operator(), "D2", dt.date(2027, 1, 1))


def test_r11_end_recorded_and_card_returned(world: World) -> None:
    world.card(spec("D3", state="active"))
    service = ReturnService(world.services)
    done = service.record_end(operator(), "D3", dt.date(2026, 11, 1))
    assert done.due == dt.date(2027, 2, 1)
    service.take_back(operator(), "D3")
    assert world.state("D3") == "returned"
    assert all(d.resolved for d in deadlines(world))
    assert [e[0] for e in world.events()] == ["card.return_due", "card.returned"]
    with pytest.raises(CardIsReturned):
        service.take_back(operator(), "D3")


def test_r11_keeping_the_card_needs_a_reason(world: World) -> None:
    world.card(spec("D4", state="active"))
    service = ReturnService(world.services)
    service.record_end(operator(), "D4", dt.date(2026, 11, 1))
    with pytest.raises(KeepReasonMissing):
        service.take_back(operator(), "D4", keep_card=True, keep_reason="  ")
    assert world.state("D4") == "active"
    service.take_back(operator(), "D4", keep_card=True, keep_reason="New assignment in the region")
    assert world.state("D4") == "active"
    (row,) = deadlines(world)
    assert row.resolved and row.kept and row.reason == "New assignment in the region"
    assert world.events()[-1][0] == "card.return_kept"


def test_r10_r11_sweep_blocks_overdue_cards_once(world: World) -> None:
    world.card(spec("D5", state="active"))
    world.card(spec("D6", state="active"))
    world.card(spec("D7", state="active"))
    NameChangeService(world.services).record(operator(), "D5", dt.date(2026, 8, 1))  # due 11-01
    ReturnService(world.services).record_end(operator(), "D6", dt.date(2026, 8, 1))
    ReturnService(world.services).record_end(operator(), "D7", dt.date(2026, 8, 28))  # due 11-28
    sweep = DeadlineSweep(world.services)
    report = sweep.sweep(NOW)
    assert sorted(report.blocked) == ["D5", "D6"] and len(report.event_ids) == 2
    assert world.state("D5") == "blocked" and world.state("D6") == "blocked"
    assert world.state("D7") == "active"  # the holder has the whole due date
    blocks = [e for e in world.events() if e[0] == "card.blocked"]
    assert {e[1]["reason"] for e in blocks} == {"name_change", "not_returned"}
    assert world.priorities()["card.blocked"] == 0
    assert sweep.sweep(NOW).blocked == ()  # idempotent
    assert sweep.sweep(NOW + dt.timedelta(days=1)).blocked == ("D7",)
    assert len([e for e in world.events() if e[0] == "card.blocked"]) == 3


def test_r11_sweep_leaves_returned_and_kept_cards(world: World) -> None:
    world.card(spec("D8", state="active"))
    world.card(spec("D9", state="active"))
    service = ReturnService(world.services)
    service.record_end(operator(), "D8", dt.date(2026, 8, 1))
    service.record_end(operator(), "D9", dt.date(2026, 8, 1))
    service.take_back(operator(), "D8")
    service.take_back(operator(), "D9", keep_card=True, keep_reason="continues")
    assert DeadlineSweep(world.services).sweep(NOW).blocked == ()
    assert world.state("D9") == "active"

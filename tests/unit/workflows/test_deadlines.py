"""Name change (R10), return (R11) and the deadline sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kiosk.errors import CardIsReturnedError, KeepReasonMissingError
from kiosk.services.lookup import LookupService
from kiosk.services.store_views import StoreDirectory
from kiosk.services.workflows.errors import DeadlineInvalidError
from kiosk.services.workflows.name_change import NameChangeService
from kiosk.services.workflows.returns import ReturnService
from kiosk.services.workflows.sweep import DeadlineSweep
from store.holders import holder_by_id
from store.models import Deadline
from store.search_terms import replace_terms
from tests.support.world import HOLDER, NAME, PNR, World, local_noon, months_after, operator


def deadlines(world: World) -> list[Deadline]:
    with world.store.unit_of_work() as session:
        return list(session.execute(select(Deadline)).scalars())


def test_r10_name_change_recorded_with_three_month_deadline(world: World) -> None:
    world.card(world.spec("D1", state="active"))
    done = NameChangeService(world.services).record(operator(), "D1", world.today)  # today: ok
    due = months_after(world.today, 3)
    assert done.due == due
    (row,) = deadlines(world)
    assert row.kind == "name_change" and row.due_date == due
    assert [e[0] for e in world.events()] == ["card.name_change_recorded"]


def test_r10_name_change_records_the_new_name_in_the_event(world: World) -> None:
    world.card(world.spec("D8", state="active"))
    NameChangeService(world.services).record(operator(), "D8", world.today, "Eva Nyberg")
    ((kind, payload, *_),) = world.events()
    assert kind == "card.name_change_recorded"
    assert payload["new_name"] == "Eva Nyberg" and payload["serial"] == "D8"


def _holder_name(world: World) -> str:
    with world.store.read_only() as tx:
        record = holder_by_id(tx, world.store.cipher, HOLDER)
    assert record is not None
    return record.name


def _found_by_name(world: World, query: str) -> list[str]:
    directory = StoreDirectory(world.store, world.clock)
    try:
        return [h.holder_id for h in LookupService(directory).search(query).holders]
    finally:
        directory.close()


def test_r10_name_change_renames_the_holder_on_record(world: World) -> None:
    world.card(world.spec("D9", state="active"))
    with world.store.unit_of_work() as tx:  # the seeded holder, findable as the counter's are
        replace_terms(tx, world.store.cipher, HOLDER, name=NAME, personnummer=PNR)
    assert _found_by_name(world, NAME.split()[-1]) == [HOLDER]
    NameChangeService(world.services).record(operator(), "D9", world.today, "Eva Nyberg")
    assert _holder_name(world) == "Eva Nyberg"
    assert _found_by_name(world, "Nyberg") == [HOLDER]
    assert _found_by_name(world, NAME.split()[-1]) == []


def test_r10_name_change_without_a_new_name_keeps_the_name(world: World) -> None:
    world.card(world.spec("D10", state="active"))
    NameChangeService(world.services).record(operator(), "D10", world.today)
    assert _holder_name(world) == NAME


def test_r10_rename_and_event_are_one_unit_of_work(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.card(world.spec("D11", state="active"))

    def journal_down(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("journal unavailable")

    monkeypatch.setattr(world.services.journal, "append", journal_down)
    with pytest.raises(RuntimeError):
        NameChangeService(world.services).record(operator(), "D11", world.today, "Eva Nyberg")
    assert _holder_name(world) == NAME
    assert deadlines(world) == []


def test_r10_date_in_future_refused(world: World) -> None:
    world.card(world.spec("D2", state="active"))
    service = NameChangeService(world.services)
    for ahead in (1, 34):  # tomorrow, and a month or so ahead
        with pytest.raises(DeadlineInvalidError):
            service.record(operator(), "D2", world.today + dt.timedelta(days=ahead))
    assert deadlines(world) == []


def test_r11_end_recorded_and_card_returned(world: World) -> None:
    world.card(world.spec("D3", state="active"))
    service = ReturnService(world.services)
    ended = world.today - dt.timedelta(days=27)
    done = service.record_end(operator(), "D3", ended)
    assert done.due == months_after(ended, 3)
    service.take_back(operator(), "D3")
    assert world.state("D3") == "returned"
    assert all(d.resolved for d in deadlines(world))
    assert [e[0] for e in world.events()] == ["card.return_due", "card.returned"]
    with pytest.raises(CardIsReturnedError):
        service.take_back(operator(), "D3")


def test_r11_keeping_the_card_needs_a_reason(world: World) -> None:
    world.card(world.spec("D4", state="active"))
    service = ReturnService(world.services)
    service.record_end(operator(), "D4", world.today - dt.timedelta(days=27))
    with pytest.raises(KeepReasonMissingError):
        service.take_back(operator(), "D4", keep_card=True, keep_reason="  ")
    assert world.state("D4") == "active"
    service.take_back(operator(), "D4", keep_card=True, keep_reason="New assignment in the region")
    assert world.state("D4") == "active"
    (row,) = deadlines(world)
    assert row.resolved and row.kept and row.reason == "New assignment in the region"
    assert world.events()[-1][0] == "card.return_kept"


def test_r10_r11_sweep_blocks_overdue_cards_once(world: World) -> None:
    world.card(world.spec("D5", state="active"))
    world.card(world.spec("D6", state="active"))
    world.card(world.spec("D7", state="active"))
    long_ago = world.today - dt.timedelta(days=119)
    later = world.today - dt.timedelta(days=92)
    NameChangeService(world.services).record(operator(), "D5", long_ago)
    ReturnService(world.services).record_end(operator(), "D6", long_ago)
    ReturnService(world.services).record_end(operator(), "D7", later)
    # the sweep runs on D7's due day (about today): D5 and D6 are weeks overdue by then
    due_day = local_noon(months_after(later, 3))
    assert months_after(long_ago, 3) < due_day.date() - dt.timedelta(days=20)
    sweep = DeadlineSweep(world.services)
    report = sweep.sweep(due_day)
    assert sorted(report.blocked) == ["D5", "D6"] and len(report.event_ids) == 2
    assert world.state("D5") == "blocked" and world.state("D6") == "blocked"
    assert world.state("D7") == "active"  # the holder has the whole due date
    blocks = [e for e in world.events() if e[0] == "card.blocked"]
    assert {e[1]["reason"] for e in blocks} == {"name_change", "not_returned"}
    assert world.priorities()["card.blocked"] == 0
    assert sweep.sweep(due_day).blocked == ()  # idempotent
    assert sweep.sweep(due_day + dt.timedelta(days=1)).blocked == ("D7",)
    assert len([e for e in world.events() if e[0] == "card.blocked"]) == 3


def test_r11_sweep_leaves_returned_and_kept_cards(world: World) -> None:
    world.card(world.spec("D8", state="active"))
    world.card(world.spec("D9", state="active"))
    service = ReturnService(world.services)
    service.record_end(operator(), "D8", world.today - dt.timedelta(days=119))  # long overdue
    service.record_end(operator(), "D9", world.today - dt.timedelta(days=119))
    service.take_back(operator(), "D8")
    service.take_back(operator(), "D9", keep_card=True, keep_reason="continues")
    assert DeadlineSweep(world.services).sweep(world.now).blocked == ()
    assert world.state("D9") == "active"

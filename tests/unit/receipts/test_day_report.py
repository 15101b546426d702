"""The day report: counts per action and operator, refusals, blocks, deadlines, a chart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.i18n import LANGUAGES, Catalogue
from kiosk.reports.day import (
    SYSTEM_PREFIXES,
    DayReport,
    OperatorCount,
    build_day_report,
    day_bounds,
)
from kiosk.reports.render import render_day_report
from protocol.event_types import EventType
from store.models import Deadline
from tests.support.world import ADMIN, ADMIN_NAME, CLERK, CLERK_NAME, OFFICE, World
from tests.unit.receipts.pdf_helpers import (
    compact,
    dark_fraction,
    longest_run,
    pdf_text,
    render_gray,
)

# A pinned office day in winter (CET): the report is a pure function of the day and the
# journal, whose events here carry explicit times, so the hours below stay exact.
DAY = dt.date(2026, 11, 28)
UTC = dt.UTC


def _at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    # Stockholm is UTC+1 in November: local 08:00 is 07:00 UTC
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@pytest.fixture
def busy_world(world: World) -> World:
    for serial in ("SE4000000001", "SE4000000002", "SE4000000003"):
        world.add_card(serial)
    w = world
    w.event("card.activated", {"serial": "SE4000000001"}, now=_at(8))
    w.event("card.activated", {"serial": "SE4000000002"}, now=_at(9))
    w.event("card.unlocked", {"serial": "SE4000000002"}, operator=ADMIN, now=_at(10))
    w.event("receipt.signed", {"event_id": "x"}, now=_at(10, 1))
    block = w.event("card.blocked", {"serial": "SE4000000003", "reason": "stolen"}, now=_at(11))
    w.event("card.blocked", {"serial": "SE4000000001", "reason": "lost"}, now=_at(12))
    for _ in range(2):
        w.event("refusal", {"reason": "error.activation.wrong_office"}, now=_at(13))
    w.event("refusal", {"reason": "error.document.digital", "action": "activate"}, now=_at(14))
    # outside the day (Stockholm): 23:30 UTC on the 27th is 00:30 local on the 28th (inside),
    # 23:30 UTC on the 28th is 00:30 on the 29th (outside)
    w.event("card.activated", {"serial": "SE4000000003"}, now=_at(23, 30, DAY - dt.timedelta(1)))
    w.event("card.activated", {"serial": "SE4000000003"}, now=_at(23, 30))
    earlier = DAY - dt.timedelta(days=8)
    w.event("card.blocked", {"serial": "SE4000000002", "reason": "stolen"}, now=_at(9, 0, earlier))
    old_ok = w.event(
        "card.blocked", {"serial": "SE4000000003", "reason": "lost"}, now=_at(9, 5, earlier)
    )
    with w.store.unit_of_work() as session:
        w.journal.mark(session, block.event_id, "accepted")
        w.journal.mark(session, old_ok.event_id, "accepted")
        for ident, due, kind, resolved in (
            ("d1", DAY + dt.timedelta(days=3), "return", False),
            ("d2", DAY + dt.timedelta(days=30), "name_change", False),
            ("d3", DAY + dt.timedelta(days=31), "return", False),
            ("d4", DAY + dt.timedelta(days=5), "return", True),
            ("d5", DAY - dt.timedelta(days=1), "return", False),
        ):
            session.add(
                Deadline(
                    id=ident, card_serial="SE4000000001", kind=kind, due_date=due, resolved=resolved
                )
            )
    return w


def test_day_bounds_follow_the_office_calendar_day() -> None:
    assert day_bounds(DAY) == ("2026-11-27T23:00:00.000000Z", "2026-11-28T23:00:00.000000Z")
    summer = dt.date(2026, 7, 1)
    assert day_bounds(summer)[0] == "2026-06-30T22:00:00.000000Z"


def test_counts_refusals_blocks_and_deadlines(busy_world: World) -> None:
    report = build_day_report(busy_world.store, day=DAY, office_id=OFFICE)
    assert report.event_count == 10
    assert report.actions == (("card.activated", 3), ("card.blocked", 2), ("card.unlocked", 1))
    assert report.operators == (
        OperatorCount(CLERK, CLERK_NAME, 5),
        OperatorCount(ADMIN, ADMIN_NAME, 1),
    )
    assert report.refusals == (
        ("error.activation.wrong_office", 2),
        ("error.document.digital", 1),
    )
    assert [(b.serial, b.reason, b.sync_status) for b in report.blocks] == [
        ("SE4000000003", "stolen", "accepted"),
        ("SE4000000001", "lost", "pending"),
    ]
    assert [(b.serial, b.occurred_at[:10], b.sync_status) for b in report.open_blocks] == [
        ("SE4000000002", "2026-11-20", "pending")
    ]
    assert [(d.due, d.kind) for d in report.deadlines] == [
        (DAY + dt.timedelta(days=3), "return"),
        (DAY + dt.timedelta(days=30), "name_change"),
    ]
    assert report.office_name == "Kortkontoret Solna"


def test_report_pdf_text_matches_the_numbers(busy_world: World) -> None:
    report = build_day_report(busy_world.store, day=DAY, office_id=OFFICE)
    text = pdf_text(render_day_report(report))
    flat = compact(text)
    assert "Dagsrapport 2026-11-28" in text
    for phrase in (
        "Aktiveringar",
        CLERK_NAME,
        CLERK,
        "Kortet aktiveras på kortkontoret där fotot togs: …",
        "SE4000000003",
        "stulet",
        "godkänd",
        "väntar",
        "2026-12-01",
        "namnbyte: nytt kort",
        "Spärrar från tidigare dagar som centralen ännu inte har godkänt",
        "2026-11-20 10:00:00",
    ):
        assert compact(phrase) in flat, phrase
    assert "2026-12-29" not in text  # 31 days ahead: outside the horizon
    # written for people: no event types or catalogue keys on the paper
    for raw in ("card.activated", "card.blocked", "error.activation", "error.document"):
        assert raw not in text, raw
    english = pdf_text(render_day_report(report, lang="en"))
    assert "Day report 2026-11-28" in english and "accepted" in english


def test_report_is_byte_stable_and_renders_with_a_chart(busy_world: World, tmp_path: Path) -> None:
    report = build_day_report(busy_world.store, day=DAY, office_id=OFFICE)
    pdf = render_day_report(report)
    assert pdf == render_day_report(build_day_report(busy_world.store, day=DAY, office_id=OFFICE))
    pages = render_gray(pdf, tmp_path)
    assert pages
    width, _height, pixels = pages[0]
    assert 0.01 < dark_fraction(pixels) < 0.5
    # the chart's bars are solid blue (#2a6ebb, gray ~98): the longest bar (3 activations)
    # spans most of the chart's 115 mm width at 40 dpi (~180 px); text makes no such runs
    assert longest_run(pixels, width, 85, 112) > 150
    empty = DayReport(DAY, OFFICE, "", 0, (), (), (), (), ())
    e_width, _, e_pixels = render_gray(render_day_report(empty), tmp_path / "e")[0]
    assert longest_run(e_pixels, e_width, 85, 112) < 10


def test_empty_day_says_none(world: World) -> None:
    report = build_day_report(world.store, day=DAY, office_id=OFFICE)
    assert report.event_count == 0 and report.actions == ()
    text = pdf_text(render_day_report(report))
    assert text.count("Inga.") == 5


def test_the_day_report_service_saves_the_pdf_in_the_reports_folder(
    busy_world: World, tmp_path: Path
) -> None:
    from kiosk.reports.service import DayReportService

    reports = DayReportService(
        busy_world.store, office_id=OFFICE, folder=tmp_path / "reports", lang="en"
    )
    assert reports.build(DAY) == build_day_report(busy_world.store, day=DAY, office_id=OFFICE)
    path = reports.write(DAY)
    assert path == tmp_path / "reports" / "day-2026-11-28.pdf"
    assert path.read_bytes() == render_day_report(reports.build(DAY), lang="en")
    swedish = reports.write(DAY, lang="sv", out=tmp_path / "elsewhere" / "day.pdf")
    assert swedish.read_bytes() == render_day_report(reports.build(DAY), lang="sv")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_action_the_report_counts_has_a_name(lang: str) -> None:
    text = Catalogue(lang)
    counted = [e for e in EventType if e != EventType.REFUSAL and not e.startswith(SYSTEM_PREFIXES)]
    assert [e.value for e in counted if not text.has(f"report.action.{e.value}")] == []


def test_the_chart_has_a_bar_for_every_action_type(world: World) -> None:
    counted = [e for e in EventType if e != EventType.REFUSAL and not e.startswith(SYSTEM_PREFIXES)]
    actions = tuple((e.value, n + 1) for n, e in enumerate(counted))
    report = DayReport(DAY, OFFICE, "", len(actions), actions, (), (), (), ())
    flat = compact(pdf_text(render_day_report(report)))
    text = Catalogue("sv")
    for event_type, _ in actions:  # each label twice: the chart's axis and the table
        assert flat.count(compact(text(f"report.action.{event_type}"))) >= 2, event_type


def test_an_empty_day_has_a_whole_number_axis(world: World) -> None:
    report = build_day_report(world.store, day=DAY, office_id=OFFICE)
    text = pdf_text(render_day_report(report))
    assert "0.002" not in text and "0.01" not in text


def test_seeding_the_demo_is_not_an_action_of_the_day(world: World) -> None:
    world.event("demo.seeded", {}, now=_at(8))
    report = build_day_report(world.store, day=DAY, office_id=OFFICE)
    assert (report.event_count, report.actions, report.operators) == (1, (), ())

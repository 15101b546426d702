"""The day report as a PDF (reportlab platypus), with a bar chart of the day's actions.

Invariant mode fixes dates and document ids, so the same report gives the same bytes.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kiosk.i18n import Catalogue
from kiosk.receipts.render import local_time
from kiosk.reports.day import BlockLine, DayReport

_PLACEHOLDER = re.compile(r"\{[^}]*\}")
CHART_TICKS = 5


def action_label(text: Catalogue, event_type: str) -> str:
    """An action's short name for the report; an event type this kiosk does not know
    (from a newer kiosk) is named as such."""
    key = f"report.action.{event_type}"
    return text(key) if text.has(key) else text("report.action.unknown", type=event_type)


def reason_text(text: Catalogue, key: str) -> str:
    """A refusal's reason in words (placeholders shown as …); an unknown reason as such."""
    if not text.has(key):
        return text("report.reason.unknown", reason=key)
    return _PLACEHOLDER.sub("…", text(key))


def _table(header: list[str], rows: list[list[Any]], widths: list[float] | None = None) -> Table:
    table = Table([header, *rows], repeatRows=1, hAlign="LEFT", colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _blocks_table(text: Catalogue, lines: tuple[BlockLine, ...], *, time_only: bool) -> Table:
    return _table(
        [
            text("report.col.time"),
            text("report.col.card"),
            text("report.col.reason"),
            text("report.col.sync"),
        ],
        [
            [
                local_time(line.occurred_at)[11:] if time_only else local_time(line.occurred_at),
                line.serial,
                reason_text(text, f"receipt.reason.{line.reason}"),
                text(f"report.sync.{line.sync_status}")
                + (f" ({line.sync_reason})" if line.sync_reason else ""),
            ]
            for line in lines
        ],
    )


def bar_chart(report: DayReport, title: str, text: Catalogue) -> Drawing:
    """Horizontal bars: one per action type (the most frequent on top), whole-number axis."""
    shown = list(report.actions)
    bars = max(1, len(shown))
    height = 30 + bars * 18
    drawing = Drawing(170 * mm, height + 20)
    chart = HorizontalBarChart()
    chart.x = 55 * mm
    chart.y = 10
    chart.width = 105 * mm
    chart.height = height - 10
    chart.data = [[count for _, count in reversed(shown)] or [0]]
    chart.categoryAxis.categoryNames = [
        action_label(text, name) for name, _ in reversed(shown)
    ] or ["-"]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 7
    most = max((count for _, count in shown), default=0)
    step = max(1, math.ceil(most / CHART_TICKS))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(step, math.ceil(most / step) * step)
    chart.valueAxis.valueStep = step
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#2a6ebb")
    drawing.add(chart)
    drawing.add(String(0, height + 8, title, fontName="Helvetica-Bold", fontSize=10))
    return drawing


def render_day_report(report: DayReport, *, lang: str = "sv") -> bytes:
    text = Catalogue(lang)
    styles = getSampleStyleSheet()
    h1, h2, body = styles["Heading1"], styles["Heading2"], styles["BodyText"]
    none = Paragraph(text("report.none"), body)
    story: list[Flowable] = [
        Paragraph(text("report.title", date=report.day.isoformat()), h1),
        Paragraph(
            text(
                "report.office",
                office=f"{report.office_name} ({report.office_id})"
                if report.office_name
                else report.office_id,
            ),
            body,
        ),
        Paragraph(text("report.generated", count=report.event_count), body),
        Spacer(1, 4 * mm),
        bar_chart(report, text("report.chart"), text),
        Paragraph(text("report.actions"), h2),
    ]
    story.append(
        _table(
            [text("report.col.action"), text("report.col.count")],
            [[action_label(text, name), str(count)] for name, count in report.actions],
        )
        if report.actions
        else none
    )
    story.append(Paragraph(text("report.operators"), h2))
    story.append(
        _table(
            [text("report.col.operator"), text("report.col.hsa_id"), text("report.col.count")],
            [[line.name or "-", line.hsa_id, str(line.count)] for line in report.operators],
        )
        if report.operators
        else none
    )
    story.append(Paragraph(text("report.refusals"), h2))
    story.append(
        _table(
            [text("report.col.reason"), text("report.col.count")],
            [
                [Paragraph(reason_text(text, key), body), str(count)]
                for key, count in report.refusals
            ],
            [152 * mm, 20 * mm],
        )
        if report.refusals
        else none
    )
    story.append(Paragraph(text("report.blocks"), h2))
    story.append(_blocks_table(text, report.blocks, time_only=True) if report.blocks else none)
    if report.open_blocks:
        story.append(Paragraph(text("report.open_blocks"), h2))
        story.append(_blocks_table(text, report.open_blocks, time_only=False))
    story.append(Paragraph(text("report.deadlines"), h2))
    story.append(
        _table(
            [text("report.col.due"), text("report.col.kind"), text("report.col.card")],
            [
                [
                    line.due.isoformat(),
                    reason_text(text, f"report.deadline.{line.kind}"),
                    line.serial,
                ]
                for line in report.deadlines
            ],
        )
        if report.deadlines
        else none
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,
        title=text("report.title", date=report.day.isoformat()),
        author=report.office_id,
        creator="card-office kiosk",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    document.build(story)
    return buffer.getvalue()

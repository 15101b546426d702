"""Reports for the card office: the day report (``kiosk report day``).

* ``build_day_report(store, day=, office_id=, today=) -> DayReport`` (day.py): counts per
  action and per operator, refusals by reason, blocks and their sync state, deadlines
  falling due in the next 30 days;
* ``render_day_report(report, lang=) -> bytes`` (render.py): the PDF, with a bar chart
  drawn with reportlab's graphics; deterministic (invariant mode);
* :class:`~kiosk.reports.service.DayReportService` (service.py): builds, renders and saves
  the PDF in the reports folder, for ``kiosk report day`` and the app's palette.

Refusals are read from journal events of type ``refusal`` (see ``REFUSAL_EVENT``) whose
payload carries ``reason`` (the catalogue key of the refusing error, e.g.
``"error.activation.wrong_office"``) and optionally ``action`` (the refused action).
"""

"""The demo's identity documents, dated from the day the demo runs.

The published ICAO 9303 specimens (``devices.virtual.scanner.SPECIMENS``) are fixed and
long expired; the Swedish and foreign documents of the demo holders are composed here
with expiry dates relative to ``today``, so that the demo tells the same story on any
date: valid documents stay valid, the expired one stays expired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from devices.virtual.scanner import SPECIMENS
from kiosk.documents.mrz import TD1, TD3
from kiosk.documents.mrz_compose import ZoneFields, compose
from kiosk.domain.dates import add_months


def _years(today: dt.date, years: int) -> dt.date:
    return add_months(today, 12 * years)  # 29 February becomes 28 February


def _misread(zone: tuple[str, ...]) -> tuple[str, ...]:
    """The same zone with one digit of the document number misread (check digit kept)."""
    line = zone[1]
    wrong = "8" if line[3] != "8" else "9"
    return (zone[0], line[:3] + wrong + line[4:], *zone[2:])


def _swedish_passport(today: dt.date) -> tuple[str, ...]:
    # Åsa Linnéa Öberg, 19850312-2387: a Swedish passport valid five more years.
    return compose(
        TD3,
        ZoneFields(
            document_code="P",
            issuing_state="SWE",
            document_number="AB1234567",
            nationality="SWE",
            surname="Öberg",
            given_names="Åsa Linnéa",
            birth_date=dt.date(1985, 3, 12),
            expiry_date=_years(today, 5),
            sex="F",
            optional_data="8503122387",
        ),
    )


def _swedish_id_card(today: dt.date) -> tuple[str, ...]:
    # Jöns Ülrik Lindqvist, 19920704-5486: a Swedish national id card valid three years.
    return compose(
        TD1,
        ZoneFields(
            document_code="I",
            issuing_state="SWE",
            document_number="IS9876543",
            nationality="SWE",
            surname="Lindqvist",
            given_names="Jöns Ülrik",
            birth_date=dt.date(1992, 7, 4),
            expiry_date=_years(today, 3),
            sex="M",
            optional_data="9207045486",
        ),
    )


def _foreign_passport(today: dt.date) -> tuple[str, ...]:
    # Kari Haugen: a Norwegian passport valid two years (refused for an unlock).
    return compose(
        TD3,
        ZoneFields(
            document_code="P",
            issuing_state="NOR",
            document_number="NX0041273",
            nationality="NOR",
            surname="Haugen",
            given_names="Kari",
            birth_date=dt.date(1988, 9, 1),
            expiry_date=_years(today, 2),
            sex="F",
        ),
    )


def _expired_swedish_passport(today: dt.date) -> tuple[str, ...]:
    # Per Erik Nyström, 19611120-9018: a Swedish passport that expired a year ago.
    return compose(
        TD3,
        ZoneFields(
            document_code="P",
            issuing_state="SWE",
            document_number="AA7654321",
            nationality="SWE",
            surname="Nyström",
            given_names="Per Erik",
            birth_date=dt.date(1961, 11, 20),
            expiry_date=_years(today, -1),
            sex="M",
            optional_data="6111209018",
        ),
    )


def _misread_swedish_passport(today: dt.date) -> tuple[str, ...]:
    # The Swedish passport misread: one digit of the document number is wrong.
    return _misread(_swedish_passport(today))


def _cecilia_passport(today: dt.date) -> tuple[str, ...]:
    # Cecilia Ceder, 19780514-1236.
    return compose(
        TD3,
        ZoneFields(
            document_code="P",
            issuing_state="SWE",
            document_number="AC2468135",
            nationality="SWE",
            surname="Ceder",
            given_names="Cecilia",
            birth_date=dt.date(1978, 5, 14),
            expiry_date=_years(today, 4),
            sex="F",
            optional_data="7805141236",
        ),
    )


# The demo holders' documents, by name, each dated from the day the demo runs.
_DATED: Mapping[str, Callable[[dt.date], tuple[str, ...]]] = {
    "swedish-passport": _swedish_passport,
    "swedish-id-card": _swedish_id_card,
    "foreign-passport": _foreign_passport,
    "expired-swedish-passport": _expired_swedish_passport,
    "misread-swedish-passport": _misread_swedish_passport,
    "cecilia-passport": _cecilia_passport,
}

DEMO_DOCUMENT_NAMES: tuple[str, ...] = (*SPECIMENS, *_DATED)
"""Every document the demo's scanner offers: the specimens, then the holders'."""


def demo_documents(today: dt.date) -> Mapping[str, tuple[str, ...]]:
    """Every document the demo's scanner offers, by name (``DEMO_DOCUMENT_NAMES``)."""
    return {**SPECIMENS, **{name: make(today) for name, make in _DATED.items()}}

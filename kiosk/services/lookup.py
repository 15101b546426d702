"""Lookup of a holder by personnummer, birth date, any name word or card serial; their
cards, deadlines, history."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.personnummer import mask_personnummer as domain_mask
from kiosk.services.ports import HolderDetail, HolderDirectory, HolderSummary

_PNR = re.compile(r"^(\d{6}|\d{8})[-+]?\d{4}$")
_BIRTH_DATE = re.compile(r"^(?:\d{6}|\d{8}|\d{4}-\d{2}-\d{2})$")
_SERIAL = re.compile(r"^[0-9A-Za-z-]*\d[0-9A-Za-z-]*$")
MIN_NAME_CHARS = 2


class QueryKind(StrEnum):
    PERSONNUMMER = "personnummer"
    BIRTH_DATE = "birth_date"
    SERIAL = "serial"
    NAME = "name"


def _is_birth_date(text: str) -> bool:
    digits = text.replace("-", "")
    month, day = int(digits[-4:-2]), int(digits[-2:])
    return _BIRTH_DATE.match(text) is not None and 1 <= month <= 12 and 1 <= day <= 31


def classify(query: str) -> QueryKind:
    """What the clerk typed: a personnummer, a birth date, a card serial or name words."""
    text = query.strip().replace(" ", "")
    if _PNR.match(text):
        return QueryKind.PERSONNUMMER
    if _BIRTH_DATE.match(text) and _is_birth_date(text):
        return QueryKind.BIRTH_DATE
    if _SERIAL.match(text):
        return QueryKind.SERIAL
    return QueryKind.NAME


@dataclass(frozen=True)
class LookupResult:
    kind: QueryKind
    holders: tuple[HolderSummary, ...]


def mask_personnummer(personnummer: str) -> str:
    """The one mask, on screen as on paper (``kiosk.domain.personnummer``): ``YYMMDD-XXXX``,
    the birth date shown and the last four digits hidden."""
    digits = re.sub(r"\D", "", personnummer)
    if len(digits) == 12:
        return domain_mask(digits)
    if len(digits) == 10:
        return f"{digits[:6]}-XXXX"
    return "*" * len(personnummer)


class LookupService:
    def __init__(self, directory: HolderDirectory) -> None:
        self._directory = directory

    def search(self, query: str) -> LookupResult:
        kind = classify(query)
        text = query.strip()
        found: Sequence[HolderSummary]
        if kind is QueryKind.PERSONNUMMER:
            found = self._directory.by_personnummer(text)
        elif kind is QueryKind.BIRTH_DATE:
            found = self._directory.by_birth_date(text.replace("-", "").replace(" ", ""))
        elif kind is QueryKind.SERIAL:
            found = self._directory.by_card_serial(text.replace(" ", ""))
        elif len(text) < MIN_NAME_CHARS:
            found = ()
        else:
            found = self._directory.by_name(text)
        return LookupResult(kind=kind, holders=tuple(found))

    def detail(self, holder_id: str) -> HolderDetail | None:
        return self._directory.detail(holder_id)

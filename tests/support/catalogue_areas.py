"""The catalogue's messages of one area (the ``# area:`` comment of each ``.po`` entry)."""

from __future__ import annotations

from tools.catalogue import LOCALE, area_of, forms, messages, po_path, read_catalogue


def area_texts(lang: str, area: str) -> dict[str, str]:
    """Key to text (a counted text: its plural form) of one area in one language."""
    found = messages(read_catalogue(po_path(LOCALE, lang), lang))
    return {key: forms(m)[-1] for key, m in found.items() if area_of(m) == area}


def areas(lang: str) -> set[str]:
    found = messages(read_catalogue(po_path(LOCALE, lang), lang))
    return {area for m in found.values() if (area := area_of(m)) is not None}

"""Names as a machine-readable zone writes them (ICAO 9303 part 3, section 6).

``to_mrz`` turns a name from the holder register into MRZ characters (Å→AA, Ä→AE,
Ö→OE, Ü→UE, ß→SS, accents dropped, hyphen and space → ``<``, apostrophe omitted).
``to_mrz_plain`` is the variant some issuers use (Ä→A, Ö→O, Å→A); name matching accepts
both. ``normalise`` compares names: MRZ text and register text end up in the same form.
"""

from __future__ import annotations

import unicodedata

# The ICAO recommended transliterations where they differ from "drop the accent".
_ICAO: dict[str, str] = {
    "Å": "AA",
    "Ä": "AE",
    "Æ": "AE",
    "Ö": "OE",
    "Ø": "OE",
    "Œ": "OE",
    "Ü": "UE",
    "ß": "SS",
    "ẞ": "SS",
    "Þ": "TH",
    "Ð": "D",
    "Đ": "D",
    "Ł": "L",
    "Ħ": "H",
    "Ŀ": "L",
    "Ŋ": "N",
    "Ŧ": "T",
    "Ĳ": "IJ",
}
_PLAIN: dict[str, str] = {**_ICAO, "Å": "A", "Ä": "A", "Ö": "O", "Ü": "U"}
_SEPARATORS = frozenset(" -‐‑–,.")
_OMITTED = frozenset("'’`´")
_MRZ_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _convert(text: str, table: dict[str, str]) -> str:
    out: list[str] = []
    for char in text.upper():
        if char in _MRZ_LETTERS:
            out.append(char)
        elif char in table:
            out.append(table[char])
        elif char in _SEPARATORS or char == "<":
            out.append("<")
        elif char in _OMITTED:
            continue
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            ).upper()
            if base and all(c in _MRZ_LETTERS for c in base):
                out.append(base)
            elif base in table:
                out.append(table[base])
            # Anything else (symbols, scripts without a table) is dropped.
    return "".join(out)


def to_mrz(text: str) -> str:
    """ICAO recommended transliteration of a name part: ``"Åsa-Öberg"`` → ``"AASA<OEBERG"``."""
    return _convert(text, _ICAO)


def to_mrz_plain(text: str) -> str:
    """The accent-dropping variant some issuers use: ``"Åsa Öberg"`` → ``"ASA<OBERG"``."""
    return _convert(text, _PLAIN)


def normalise(text: str, *, plain: bool = False) -> str:
    """A name part as comparable words: MRZ or register text, separators folded to spaces."""
    converted = (to_mrz_plain if plain else to_mrz)(text)
    return " ".join(part for part in converted.split("<") if part)

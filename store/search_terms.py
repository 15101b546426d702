"""Finding holders by any word of their name or by birth date, without names in clear.

Each holder has a few *search terms*: one keyed blind index per word of the name
(case and diacritics folded, so "oberg" finds "Öberg") and one of the birth date taken
from the personnummer (a samordningsnummer's day less 60). A search computes the same
indexes for what the clerk typed and intersects the holders that carry all of them.
The terms leak no more than the existing full-name index: equal words share an index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from store.crypto import FieldCipher
from store.models import HolderTerm

TERM_COLUMNS = ("term_idx", "holder_id")
# Letters that Unicode does not decompose into a base letter and a mark.
_FOLD_EXTRA = str.maketrans({"æ": "ae", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l"})
_WORD_SPLIT = re.compile(r"[\s\-‐-―,.;:'’]+")
_SAMORDNING_DAY_OFFSET = 60


def fold(text: str) -> str:
    """Case-folded, diacritics removed: "Åsa Öberg" → "asa oberg"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.translate(_FOLD_EXTRA)


def name_words(name: str) -> tuple[str, ...]:
    """The folded words of a name, each once, in order ("Anna-Karin" gives two)."""
    seen: dict[str, None] = {}
    for word in _WORD_SPLIT.split(fold(name)):
        if word:
            seen.setdefault(word, None)
    return tuple(seen)


def birth_date_of(personnummer: str) -> str | None:
    """``YYYYMMDD`` of a normalised (12-digit) personnummer or samordningsnummer."""
    if len(personnummer) != 12 or not personnummer.isdigit():
        return None
    day = int(personnummer[6:8])
    if day > _SAMORDNING_DAY_OFFSET:
        day -= _SAMORDNING_DAY_OFFSET
    return f"{personnummer[:6]}{day:02d}"


def word_index(cipher: FieldCipher, word: str) -> bytes:
    return cipher.blind_index("word:" + fold(word))


def birth_date_index(cipher: FieldCipher, yyyymmdd: str) -> bytes:
    return cipher.blind_index("born:" + yyyymmdd)


def term_indexes(cipher: FieldCipher, *, name: str, personnummer: str) -> set[bytes]:
    terms = {word_index(cipher, word) for word in name_words(name)}
    born = birth_date_of(personnummer)
    if born is not None:
        terms.add(birth_date_index(cipher, born))
    return terms


def term_rows(
    cipher: FieldCipher, holder_id: str, *, name: str, personnummer: str
) -> list[tuple[bytes, str]]:
    """Rows in :data:`TERM_COLUMNS` order for one holder."""
    indexes = term_indexes(cipher, name=name, personnummer=personnummer)
    return [(index, holder_id) for index in sorted(indexes)]


def replace_terms(
    session: Session, cipher: FieldCipher, holder_id: str, *, name: str, personnummer: str
) -> None:
    """Give one holder its current terms, inside the caller's transaction."""
    replace_many_terms(session, cipher, [(holder_id, name, personnummer)])


def replace_many_terms(
    session: Session, cipher: FieldCipher, holders: Sequence[tuple[str, str, str]]
) -> None:
    """Current terms for many ``(holder_id, name, personnummer)``, in the caller's transaction."""
    if not holders:
        return
    table = HolderTerm.__table__  # type: ignore[attr-defined]
    ids = [holder_id for holder_id, _, _ in holders]
    for start in range(0, len(ids), 900):
        session.execute(delete(table).where(table.c.holder_id.in_(ids[start : start + 900])))
    rows = [
        {"term_idx": index, "holder_id": holder_id}
        for holder_id, name, personnummer in holders
        for index, _ in term_rows(cipher, holder_id, name=name, personnummer=personnummer)
    ]
    if rows:
        session.execute(insert(table), rows)

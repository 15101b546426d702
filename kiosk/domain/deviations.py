"""Deviations an identity check can find (R1), and the only ones a reason may override.

A deviation in ``OVERRIDABLE`` lets the clerk continue with a written reason: the reason is
journaled with the identity check, and the workflow's receipt names the deviation. Every
other deviation refuses the check outright, whatever the clerk writes; a photo that does
not show the person at the counter is one of them (it is the one check that proves the
person and not the document).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Deviation(StrEnum):
    NAME = "name"  # the document's name differs from the register's (marriage, spelling)
    BIRTH_DATE = "birth_date"  # the document's birth date differs from the personnummer's
    PHOTO = "photo"  # the photo does not show the person at the counter


#: What a clerk may continue past with a reason; nothing else.
OVERRIDABLE: Final[frozenset[Deviation]] = frozenset({Deviation.NAME, Deviation.BIRTH_DATE})


def may_override(deviation: Deviation | str) -> bool:
    """True when a written reason lets the check continue past ``deviation``."""
    try:
        return Deviation(deviation) in OVERRIDABLE
    except ValueError:
        return False

"""Card facts the clerk reads from the back of the card (R7, R9, R12).

The product number decides the unlock paths (R7) and the blocking duties (R9), and a
reserve card's assurance level is what the kiosk shows (R12). They come from the register
by card number; no chip object carries them. When the register lacks one, the clerk reads
it from the back of the card and types it twice: both entries must match and be a valid
value before anything is written.
"""

from __future__ import annotations

from kiosk.domain.types import AssuranceLevel, product_series
from kiosk.errors import EnteredFactsDifferError, InvalidAssuranceLevelError


def _same(first: str, second: str) -> str:
    text, again = first.strip(), second.strip()
    if not text or text != again:
        raise EnteredFactsDifferError()
    return text


def entered_product_number(first: str, second: str) -> str:
    """R7/R9: the product number typed twice, as the register will keep it (three digits
    starting with 5, 6 or 7; ``InvalidProductNumberError`` otherwise)."""
    text = _same(first, second)
    product_series(text)
    return text


def entered_assurance_level(first: str, second: str) -> AssuranceLevel:
    """R12: a reserve card's assurance level typed twice (LoA2 or LoA3, any case)."""
    text = _same(first.upper(), second.upper()).replace("LOA", "LoA")
    try:
        return AssuranceLevel(text)
    except ValueError:
        raise InvalidAssuranceLevelError() from None

"""Numbers of an identity check: the keyed hash stored instead of the document number, and
the birth date a personnummer implies."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from kiosk.domain.personnummer import birth_date
from kiosk.errors import PersonnummerImpossibleDateError


def document_number_hash(key: bytes, issuing_state: str, document_number: str) -> str:
    """HMAC-SHA256 (hex) of issuing state and document number under ``key``."""
    if not key:
        raise ValueError("the document number key must not be empty")
    number = "".join(document_number.split()).upper().replace("<", "")
    message = f"{issuing_state.upper()}\x1f{number}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def holder_birth_date(personnummer: str) -> date | None:
    """Birth date of a 12-digit personnummer (coordination numbers: day + 60)."""
    if len(personnummer) != 12 or not personnummer.isdigit():
        return None
    try:
        return birth_date(int(personnummer[0:4]), int(personnummer[4:6]), int(personnummer[6:8]))
    except PersonnummerImpossibleDateError:
        return None

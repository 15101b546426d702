"""Which PIN of a card, and what the card says about it, whatever talks to the card.

A PIV card answers a status query with the exact tries left. A PKCS#11 token only sets
flags (``CKF_USER_PIN_COUNT_LOW``, ``CKF_USER_PIN_FINAL_TRY``, ``CKF_USER_PIN_LOCKED``):
``PinState`` holds either. Older SITHS cards have two PINs, one to log in with and one to
sign with; a PIV card has one PIN for both (assumed from public sources, not tried on a
real SITHS card).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PinKind(StrEnum):
    """Which of the card's PINs: the login (identification) PIN or the signing PIN."""

    LOGIN = "login"
    SIGNING = "signing"


@dataclass(frozen=True)
class PinState:
    """What the card says about one PIN (or PUK). Never holds the code itself.

    ``tries_left`` is set when the card gives an exact count; flags-only cards leave it
    None and set ``count_low`` / ``final_try`` / ``locked``. ``verified``: the PIN is
    already verified in this session (PIV then gives no count).
    """

    tries_left: int | None = None
    count_low: bool = False
    final_try: bool = False
    locked: bool = False
    verified: bool = False

    @classmethod
    def exact(cls, tries_left: int) -> PinState:
        """The state of a card that counts: 1 is the final try, 0 is locked."""
        return cls(tries_left=tries_left, final_try=tries_left == 1, locked=tries_left == 0)

    @classmethod
    def already_verified(cls) -> PinState:
        return cls(verified=True)

    @property
    def exact_count(self) -> bool:
        return self.tries_left is not None


LOCKED = PinState.exact(0)

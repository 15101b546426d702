"""Card orders at the counter (R2, R3, R12).

A holder is photographed (or not) and a card ordered: an ordinary card or a reserve card
at LoA2 or LoA3 (R12), sent by A-post or registered post to the registered home address
(R2). The card is activated at the office where the photo was taken (R2). A holder who
already has an active card of the kind is refused: that card is blocked first (lost,
R9) or, when it never arrived, reordered (R3). A reorder keeps the first order's photo.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kiosk.domain.dates import add_days
from kiosk.domain.types import AssuranceLevel, CardFacts, CardState
from kiosk.domain.undelivered import REORDER_WAIT_DAYS
from kiosk.errors import DomainError


class CardKind(StrEnum):
    ORDINARY = "ordinary"
    RESERVE_LOA2 = "reserve_loa2"  # issued remotely (R12)
    RESERVE_LOA3 = "reserve_loa3"


class OrderState(StrEnum):
    ORDERED = "ordered"
    IN_PRODUCTION = "in_production"
    SHIPPED = "shipped"  # with the Rek-id for registered post (R4)
    ACTIVATED = "activated"
    REPLACED = "replaced"  # reordered after it did not arrive (R3)


# card states in which a card counts as the holder's working card of its kind
_IN_USE = frozenset({CardState.ACTIVE, CardState.LOCKED})


class ActiveCardOfKindError(DomainError):
    key = "error.order.active_card_of_kind"
    hint_key = "hint.order.active_card_of_kind"
    english = "The holder already has an active card of this kind ({serial})."


class OpenOrderOfKindError(DomainError):
    key = "error.order.open_order_of_kind"
    hint_key = "hint.order.open_order_of_kind"
    english = "The holder already has a card of this kind on order (ordered {order_date})."


def card_kind(card: CardFacts) -> CardKind:
    """R12: the kind of an existing card: ordinary, or a reserve card at its level."""
    if not card.is_reserve:
        return CardKind.ORDINARY
    if card.assurance_level is AssuranceLevel.LOA2:
        return CardKind.RESERVE_LOA2
    return CardKind.RESERVE_LOA3


@dataclass(frozen=True, slots=True)
class OpenOrder:
    kind: CardKind
    state: OrderState
    order_date: date


def require_may_order(
    kind: CardKind, cards: Iterable[CardFacts], orders: Iterable[OpenOrder]
) -> None:
    """Refuse an order for a holder who has an active card of ``kind`` (block it first, or
    reorder a card that never arrived, R3) or has one of ``kind`` on order already."""
    for card in cards:
        if card.state in _IN_USE and card_kind(card) is kind:
            raise ActiveCardOfKindError(serial=card.serial)
    for order in orders:
        if order.kind is kind and order.state in (
            OrderState.ORDERED,
            OrderState.IN_PRODUCTION,
            OrderState.SHIPPED,
        ):
            raise OpenOrderOfKindError(order_date=order.order_date.isoformat())


def reorder_from(*, with_photo: bool, photo_date: date | None, order_date: date) -> date:
    """R3: from which day the holder may ask for a new card if nothing arrives (A-post):
    30 days after the photo, or after the order for a card without photo."""
    start = photo_date if with_photo and photo_date is not None else order_date
    return add_days(start, REORDER_WAIT_DAYS)


# --- the photo ------------------------------------------------------------------------

#: The largest photo file accepted (a card photo is a few tens of kilobytes).
MAX_PHOTO_BYTES = 2 * 1024 * 1024
_JPEG_START = b"\xff\xd8\xff"
_JPEG_END = b"\xff\xd9"


@dataclass(frozen=True, slots=True, repr=False)
class OrderPhoto:
    """The holder's card photo as the order keeps it: JPEG bytes and their SHA-256 (hex)."""

    jpeg: bytes
    digest: str

    def __repr__(self) -> str:  # never the picture in a log
        return f"OrderPhoto(digest={self.digest[:12]!r}, bytes={len(self.jpeg)})"


class PhotoNotJpegError(DomainError):
    key = "error.order.photo_not_jpeg"
    hint_key = "hint.order.photo_not_jpeg"
    english = "The photo is not a readable JPEG image."


class PhotoTooLargeError(DomainError):
    key = "error.order.photo_too_large"
    hint_key = "hint.order.photo_not_jpeg"
    english = "The photo file is larger than {limit_kib} KiB."


def require_jpeg(jpeg: bytes) -> None:
    """A whole JPEG file (start and end markers), not larger than a card photo may be."""
    if len(jpeg) > MAX_PHOTO_BYTES:
        raise PhotoTooLargeError(limit_kib=MAX_PHOTO_BYTES // 1024)
    if (
        len(jpeg) < 64
        or not jpeg.startswith(_JPEG_START)
        or not jpeg.rstrip(b"\0").endswith(_JPEG_END)
    ):
        raise PhotoNotJpegError()

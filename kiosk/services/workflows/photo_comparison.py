"""The photo the clerk compares the holder with at activation and in-person unlock.

The order's photo (the order that produced the card, else the holder's latest order with
a photo), decrypted and decoded here, in the service, so that what is recorded is what
the clerk could see: a stored photo that cannot be decrypted or decoded is *unreadable*,
the screen says so, and the comparison recorded is ``document_only``, as for a card
ordered without photo, an older card, or a photo not (yet) pulled to this office.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from devices.camera.errors import FrameDecodeError
from devices.camera.opencv import decode_image
from store import orders as order_store
from store.crypto import FieldCipher
from store.database import Transaction
from store.errors import DecryptionFailedError

ORDER_PHOTO, DOCUMENT_ONLY = "order_photo", "document_only"  # the comparison made


@dataclass(frozen=True)
class ComparisonPhoto:
    """The photo to show (JPEG, None: none to show) and whether a stored one was unreadable."""

    jpeg: bytes | None = field(default=None, repr=False)
    unreadable: bool = False

    @property
    def compared(self) -> str:
        return ORDER_PHOTO if self.jpeg is not None else DOCUMENT_ONLY


class ShowsComparisonPhoto:
    """What a plan that shows the comparison photo offers the screen (a ``comparison`` field)."""

    comparison: ComparisonPhoto

    @property
    def photo(self) -> bytes | None:
        """The order's photo (JPEG) to show; None: compare with the document only."""
        return self.comparison.jpeg

    @property
    def photo_unreadable(self) -> bool:
        """A stored photo that could not be decrypted or decoded (the document only)."""
        return self.comparison.unreadable

    @property
    def photo_compared(self) -> str:
        return self.comparison.compared


def _digest_for(tx: Transaction, serial: str, holder_id: str) -> str | None:
    order = order_store.order_for_card(tx, serial)
    digest = order.photo_digest if order is not None else None
    if digest is None:
        with_photo = [o for o in order_store.holder_orders(tx, holder_id) if o.photo_digest]
        digest = with_photo[-1].photo_digest if with_photo else None
    return digest


def comparison_photo(
    tx: Transaction, cipher: FieldCipher, serial: str, holder_id: str
) -> ComparisonPhoto:
    """The order's photo for ``serial`` (see the module), checked to decode."""
    digest = _digest_for(tx, serial, holder_id)
    if digest is None:
        return ComparisonPhoto()
    try:
        jpeg = order_store.photo_jpeg(tx, cipher, digest)
        if jpeg is not None:
            decode_image(jpeg)
    except (DecryptionFailedError, FrameDecodeError):
        return ComparisonPhoto(unreadable=True)
    return ComparisonPhoto(jpeg)

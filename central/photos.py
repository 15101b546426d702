"""The holders' card photos at the central: a blob of its own per photo.

A kiosk sends a photo once (``POST /v1/photo``), named by the SHA-256 of its JPEG bytes;
the ``order.placed`` event names it by that digest. The central keeps it sealed with its
field key (associated data ``central_photo:<digest>``). A kiosk gets a photo
(``GET /v1/photo``) only when an order of its office (the photo office, where the card
is activated, R2) that is not activated yet names it; many at once with
``POST /v1/photos`` (``protocol.wire_photos``), by the same rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import exists, insert, select

from central.access import CentralAccess
from central.errors import PhotoDigestMismatchError
from central.fields import photo_aad
from central.tables import ORDER, PHOTO
from protocol.event_format import format_timestamp
from protocol.wire_photos import MAX_PHOTO_ANSWER_BYTES, PhotoBatchAnswer

CLOSED_ORDER_STATES = ("activated", "replaced")


class PhotoOperations(CentralAccess):
    """Receiving and handing out card photos."""

    def store_photo(self, kiosk_id: str, digest: str, jpeg: bytes) -> bool:
        """Keep a photo from the kiosk; ``False`` when it was here already (a photo
        travels once). :class:`PhotoDigestMismatchError` when the bytes are not the
        digest's."""
        office = str(self._kiosk(kiosk_id)["office_id"])
        if hashlib.sha256(jpeg).hexdigest() != digest:
            raise PhotoDigestMismatchError(digest=digest[:12])
        with self._write() as conn:
            if conn.execute(select(PHOTO.c.digest).where(PHOTO.c.digest == digest)).first():
                return False
            conn.execute(
                insert(PHOTO).values(
                    digest=digest,
                    office_id=office,
                    jpeg_enc=self.cipher.seal(jpeg, photo_aad(digest)),
                    received_at=format_timestamp(self.clock()),
                )
            )
        return True

    def photo_for(self, kiosk_id: str, digest: str) -> bytes | None:
        """The photo's JPEG for the kiosk, if an open order of its office names it."""
        return self.photos_for(kiosk_id, [digest]).photos.get(digest)

    def photos_for(
        self, kiosk_id: str, digests: Sequence[str], limit: int = MAX_PHOTO_ANSWER_BYTES
    ) -> PhotoBatchAnswer:
        """The photos of ``digests`` that open orders of the kiosk's office name (the rule
        of :meth:`photo_for`), up to ``limit`` JPEG bytes (at least one photo); the
        others are refused, those past the limit left for later."""
        office = str(self._kiosk(kiosk_id)["office_id"])
        named_by_open_order = exists().where(
            ORDER.c.office_id == office,
            ORDER.c.state.not_in(CLOSED_ORDER_STATES),
            ORDER.c.data["photo_digest"].as_string() == PHOTO.c.digest,
        )
        with self.engine.connect() as conn:
            sealed = dict(
                conn.execute(
                    select(PHOTO.c.digest, PHOTO.c.jpeg_enc)
                    .where(PHOTO.c.digest.in_(list(digests)))
                    .where(named_by_open_order)
                ).all()
            )
        photos: dict[str, bytes] = {}
        later: list[str] = []
        size = 0
        for digest in (d for d in digests if d in sealed):
            if photos and size + len(sealed[digest]) > limit:
                later.append(digest)
                continue
            photos[digest] = self.cipher.open(sealed[digest], photo_aad(digest))
            size += len(photos[digest])
        refused = [d for d in digests if d not in photos and d not in later]
        return PhotoBatchAnswer(photos, refused, later)

    def photo_digests(self) -> set[str]:
        with self.engine.connect() as conn:
            return {str(d) for d in conn.execute(select(PHOTO.c.digest)).scalars()}

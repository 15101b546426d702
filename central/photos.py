"""The holders' card photos at the central: a blob of its own per photo.

A kiosk sends a photo once (``POST /v1/photo``), named by the SHA-256 of its JPEG bytes;
the ``order.placed`` event names it by that digest. The central keeps it sealed with its
field key (associated data ``central_photo:<digest>``). A kiosk gets a photo
(``GET /v1/photo``) only when an order of its office (the photo office, where the card
is activated, R2) that is not activated yet names it.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import insert, select

from central.access import CentralAccess
from central.errors import PhotoDigestMismatchError
from central.fields import photo_aad
from central.tables import ORDER, PHOTO
from protocol.event_format import format_timestamp

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
        office = str(self._kiosk(kiosk_id)["office_id"])
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(ORDER.c.data)
                .where(ORDER.c.office_id == office)
                .where(ORDER.c.state.not_in(CLOSED_ORDER_STATES))
            ).all()
            if not any((row.data or {}).get("photo_digest") == digest for row in rows):
                return None
            found = conn.execute(select(PHOTO.c.jpeg_enc).where(PHOTO.c.digest == digest)).first()
        return None if found is None else self.cipher.open(found[0], photo_aad(digest))

    def photo_digests(self) -> set[str]:
        with self.engine.connect() as conn:
            return {str(d) for d in conn.execute(select(PHOTO.c.digest)).scalars()}

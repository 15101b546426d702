"""The CRL section of a sync round: the kiosk takes the revocation lists the central
fetched from the CAs' distribution points and keeps them in its store, so that login,
card test, activation and receipt verification check revocation with no network.

The store keeps what arrived (by issuer); the kiosk's trust store parses the lists and
checks their signers when the cache version moves (``kiosk.services.trust``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from store.crl_cache import store_revocation_lists

log = logging.getLogger(__name__)


def issuer_key_of(der: bytes) -> str | None:
    """SHA-1 of the CRL issuer's DER name (the same key as ``devices.card.revocation``);
    None for bytes that are not a CRL (the kiosk's trust store reports those)."""
    from cryptography import x509

    try:
        crl = x509.load_der_x509_crl(der)
    except ValueError:
        return None
    return hashlib.sha1(crl.issuer.public_bytes(), usedforsecurity=False).hexdigest()


def pull_revocation_lists(
    store: Any, transport: Any, kiosk_id: str, clock: Callable[[], datetime]
) -> int:
    """Fetch the central's CRLs into the store; returns how many were kept. A central
    without the section (an older one) answers an error: nothing changes then."""
    from store.sync.errors import CentralRefusedError

    fetch = getattr(transport, "revocation_lists", None)
    if fetch is None:
        return 0
    try:
        answer = fetch(kiosk_id)
    except CentralRefusedError as exc:
        log.info("central gave no revocation lists: %s", exc.params.get("status"))
        return 0
    lists: dict[str, bytes] = {}
    for entry in answer.get("crls", []):
        try:
            der = base64.b64decode(str(entry.get("der", "")), validate=True)
        except (binascii.Error, ValueError):
            continue
        key = issuer_key_of(der)
        if key is not None:
            lists[key] = der
    if lists:
        with store.unit_of_work() as session:
            store_revocation_lists(session, lists, clock().isoformat())
    return len(lists)

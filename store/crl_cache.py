"""The kiosk's cache of certificate revocation lists, as the central relayed them.

The store keeps the DER bytes per issuer (in ``sync_state``, under ``crl.<issuer key>``)
and a version stamp that changes with every update; parsing and signature checks belong
to the kiosk (``devices.card.revocation``), which reloads when the version moves.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import SyncState
from store.state import get_state, set_state

PREFIX = "crl."
VERSION_KEY = "crl_cache.version"

_S = SyncState.__table__  # type: ignore[attr-defined]


def store_revocation_lists(session: Session, lists: Mapping[str, bytes], version: str) -> None:
    """Replace the cached list of each issuer in ``lists`` (issuer key → DER)."""
    for issuer_key, der in lists.items():
        set_state(session, f"{PREFIX}{issuer_key}", base64.b64encode(der).decode("ascii"))
    set_state(session, VERSION_KEY, version)


def revocation_lists_version(session: Session) -> str | None:
    return get_state(session, VERSION_KEY)


def cached_revocation_lists(session: Session) -> dict[str, bytes]:
    """Issuer key → DER of every cached list."""
    rows = session.execute(select(_S.c.key, _S.c.value).where(_S.c.key.like(f"{PREFIX}%")))
    return {str(key)[len(PREFIX) :]: base64.b64decode(str(value)) for key, value in rows}

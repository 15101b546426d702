"""Where a 7xx card's PUK comes from for an in-person unlock (R7).

The central card-management side releases the PUKs of the office's 7xx cards into the
kiosk's encrypted cache on each pull, so an unlock works during an outage. A PUK is
released only to an id-administrator, only for the unlock itself, and is never shown,
logged or put into an error. When the PUK is not cached, ``refresh`` (a sync pull) is
tried once; if the central cannot be reached the refusal says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kiosk.domain.roles import Action, require_role
from kiosk.domain.types import Role
from kiosk.services.workflows.errors import PukNotAvailableError, PukNotCachedOfflineError
from store.database import Store
from store.puk_cache import get_puk


class PukSource(Protocol):
    def puk_for(self, serial: str, *, role: Role) -> str:
        """The card's PUK, for an id-administrator only; raises a typed refusal."""
        ...


class CachedPukSource:
    """PUKs from the store's encrypted cache; ``refresh()`` pulls from the central and
    returns whether it was reachable (e.g. ``lambda: sync_client.run_round().online``)."""

    def __init__(self, store: Store, *, refresh: Callable[[], bool] | None = None) -> None:
        self._store = store
        self._refresh = refresh

    def __repr__(self) -> str:
        return "CachedPukSource()"

    def _cached(self, serial: str) -> str | None:
        with self._store.unit_of_work() as tx:
            return get_puk(tx, self._store.cipher, serial)

    @staticmethod
    def _reachable(refresh: Callable[[], bool]) -> bool:
        from store.sync.errors import CentralUnreachableError

        try:
            return refresh()
        except CentralUnreachableError:
            return False

    def puk_for(self, serial: str, *, role: Role) -> str:
        require_role(role, Action.UNLOCK_IN_PERSON)
        puk = self._cached(serial)
        if puk is not None:
            return puk
        if self._refresh is None or not self._reachable(self._refresh):
            raise PukNotCachedOfflineError(serial=serial)
        puk = self._cached(serial)
        if puk is None:
            raise PukNotAvailableError(serial=serial)
        return puk

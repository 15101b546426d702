"""A process's cached kiosk key is confirmed under the kiosk's row lock at each push:
another process re-keying or deactivating the kiosk is seen at once."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from central.errors import UnknownKioskError
from central.push import _retryable
from central.service import CentralService
from central.tables import KIOSK
from protocol.wire import InvalidReason, PushStatus
from tests.unit.sync.test_central_service import FakeKiosk, service, statuses

__all__ = ["service"]  # the fixture, shared with the service tests


def _other_process(svc: CentralService) -> CentralService:
    """A second service over the same database, with its own cache (another worker)."""
    return CentralService(svc.engine, cipher=svc.cipher, clock=svc.clock)


def _rekeyed(svc: CentralService, old: FakeKiosk) -> FakeKiosk:
    """The same kiosk id under a new key, its chain continued where ``old`` left it."""
    new = FakeKiosk(svc, old.kiosk_id)
    new.seq, new.prev = old.seq, old.prev
    return new


def test_push_after_a_rekey_elsewhere_verifies_with_the_stored_key(
    service: CentralService,
) -> None:
    kiosk = FakeKiosk(service)
    assert statuses(service.push("k1", [kiosk.event("identity.checked", {})])) == ["accepted"]
    rekeyed = _rekeyed(_other_process(service), kiosk)
    answer = service.push("k1", [rekeyed.event("identity.checked", {})])
    assert statuses(answer) == ["accepted"]
    assert answer.head_seq == 2


def test_push_signed_with_the_old_key_after_a_rekey_elsewhere_is_refused(
    service: CentralService,
) -> None:
    kiosk = FakeKiosk(service)
    service.push("k1", [kiosk.event("identity.checked", {})])
    _rekeyed(_other_process(service), kiosk)
    answer = service.push("k1", [kiosk.event("identity.checked", {})])
    assert [(r.status, r.reason) for r in answer.results] == [
        (PushStatus.INVALID, InvalidReason.BAD_SIGNATURE)
    ]
    assert service.kiosk_head("k1")[0] == 1


def test_push_of_a_kiosk_deactivated_elsewhere_is_refused(service: CentralService) -> None:
    kiosk = FakeKiosk(service)
    service.push("k1", [kiosk.event("identity.checked", {})])
    with service.engine.begin() as conn:
        conn.execute(update(KIOSK).where(KIOSK.c.kiosk_id == "k1").values(active=False))
    with pytest.raises(UnknownKioskError):
        service.push("k1", [kiosk.event("identity.checked", {})])
    assert service.kiosk_head("k1")[0] == 1


def test_a_lost_connection_runs_the_push_again() -> None:
    lost = DBAPIError("SELECT 1", None, Exception("server closed the connection"))
    lost.connection_invalidated = True
    other = DBAPIError("SELECT 1", None, Exception("syntax error"))
    assert _retryable(lost)
    assert not _retryable(other)

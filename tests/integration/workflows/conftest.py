"""Workflow end-to-end fixtures: the real pcscd + vpcd stack (shared plugin module), the
sync helper's real uvicorn central on PostgreSQL and SQLite with real kiosk stores
(shared from tests/integration/sync); the test world (``world``) comes from
``tests.support.world`` for the whole suite."""

from __future__ import annotations

from tests.integration.pcscd_fixture import pcscd, vpcd_cards  # noqa: F401
from tests.support.sync_world import (  # noqa: F401
    central,
    central_db,
    central_factory,
    central_key,
    central_service,
    kiosk_factory,
)

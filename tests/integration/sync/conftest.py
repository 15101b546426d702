"""The sync tests' fixtures: a real central (uvicorn on PostgreSQL or SQLite) and real kiosk
stores, from ``tests.support.sync_world``."""

from tests.support.sync_world import (  # noqa: F401 (pytest fixtures)
    central,
    central_db,
    central_factory,
    central_key,
    central_service,
    kiosk_factory,
)

"""A kiosk's store as a kiosk lays it out: ``kiosk.key`` (0600) and ``kiosk.sqlite3`` in its
data folder, with its journal."""

from __future__ import annotations

import shutil
from pathlib import Path

from clock import FixedClock
from store.database import Store, open_store
from store.journal import Journal
from store.keys import KioskKeys, load_or_create_keys

KIOSK_ID = "kiosk-solna-1"
STORE_FILES = ("kiosk.key", "kiosk.sqlite3", "kiosk.sqlite3-wal")


def open_kiosk_store(
    data_dir: Path, *, kiosk_id: str = KIOSK_ID, clock: FixedClock, template: Path | None = None
) -> tuple[KioskKeys, Store, Journal]:
    """A kiosk's store laid out as a kiosk lays it out (``kiosk.key`` 0600, ``kiosk.sqlite3``
    in ``data_dir``), empty, and its journal on ``clock``: the world's, and the sync tests'
    kiosks (``tests.support.sync_world``). ``template``: a closed store's data folder to
    copy first (its keys and rows)."""
    if template is not None:
        data_dir.mkdir(mode=0o700, parents=True)
        for name in STORE_FILES:
            if (template / name).exists():
                shutil.copy2(template / name, data_dir / name)
    keys = load_or_create_keys(data_dir / "kiosk.key")
    store = open_store(f"sqlite:///{data_dir / 'kiosk.sqlite3'}", keys)
    return keys, store, Journal(kiosk_id, keys, store.cipher, clock=clock)

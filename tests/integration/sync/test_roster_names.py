"""The central's roster carries operator names: added with ``kiosk central --add-operator
HSA --name``, sealed at the central, pulled by the kiosk into its own encrypted roster."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from central.service import CentralService
from store.holders import fill_operator_name, operator_name
from tests.support.sync_world import OFFICE, ROOT, CentralProcess, Kiosk

pytestmark = pytest.mark.integration

NEWCOMER = "SE2321000016-NEW7"
NAME = "Åsa Strandqvist"
RENAMED = "Åsa Strandqvist Lind"


def _add_operator(central_db: str, central_key: Path, *extra: str) -> None:
    """``kiosk central --add-operator`` as an administrator runs it (its own process)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "central",
            "--db",
            central_db,
            "--field-key",
            str(central_key),
            "--add-operator",
            NEWCOMER,
            "--role",
            "clerk",
            "--office",
            OFFICE,
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Strandqvist" not in done.stdout + done.stderr


def _dump(central_db: str, service: CentralService) -> bytes:
    if central_db.startswith("sqlite"):
        path = Path(central_db.removeprefix("sqlite:///"))
        parts = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        return b"".join(p.read_bytes() for p in parts if p.exists())
    chunks: list[str] = []
    with service.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()
            chunks += [str(r) for r in rows]
    return "\n".join(chunks).encode()


def _name_at(kiosk: Kiosk, hsa_id: str) -> str | None:
    with kiosk.store.read_only() as tx:
        return operator_name(tx, kiosk.store.cipher, hsa_id)


def test_operator_name_added_at_the_central_shows_at_the_kiosk(
    central: CentralProcess,
    central_db: str,
    central_key: Path,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
) -> None:
    _add_operator(central_db, central_key, "--name", NAME)
    kiosk = kiosk_factory("kiosk-names")
    client = kiosk.client(central.url)
    assert client.run_round().online
    assert _name_at(kiosk, NEWCOMER) == NAME

    # a change of role without --name keeps the name; a new name travels on the next pull
    _add_operator(central_db, central_key)
    assert client.run_round().online
    assert _name_at(kiosk, NEWCOMER) == NAME
    _add_operator(central_db, central_key, "--name", RENAMED)
    assert client.run_round().online
    assert _name_at(kiosk, NEWCOMER) == RENAMED

    central.stop()
    dump = _dump(central_db, central_service)
    assert NEWCOMER.encode() in dump  # the dump does see clear fields
    for needle in (b"Strandqvist", "Åsa".encode(), b"Strandqvist".hex().encode()):
        assert needle not in dump


def test_the_centrals_name_wins_over_the_certificates_on_the_next_pull(
    central: CentralProcess,
    central_db: str,
    central_key: Path,
    kiosk_factory: Callable[..., Kiosk],
) -> None:
    _add_operator(central_db, central_key)  # on the roster without a name
    kiosk = kiosk_factory("kiosk-cn")
    client = kiosk.client(central.url)
    assert client.run_round().online
    assert _name_at(kiosk, NEWCOMER) == ""
    with kiosk.store.unit_of_work() as tx:  # what the login does with the certificate's CN
        assert fill_operator_name(tx, kiosk.store.cipher, NEWCOMER, "Asa Strandqvist (kort)")
    assert client.run_round().online  # nothing new at the central: the local name stays
    assert _name_at(kiosk, NEWCOMER) == "Asa Strandqvist (kort)"
    _add_operator(central_db, central_key, "--name", NAME)
    assert client.run_round().online
    assert _name_at(kiosk, NEWCOMER) == NAME

"""Reusable pytest fixtures for the real PC/SC stack (pcscd + vsmartcard-vpcd).

Import the fixtures into a test directory's conftest.py::

    from tests.integration.pcscd_fixture import pcscd, vpcd_cards  # noqa: F401

``pcscd`` (session): reuses a running daemon or starts ``pcscd --foreground`` and stops
what it started (SIGTERM + wait). ``vpcd_cards`` (function): insert virtual cards into the
two vpcd readers; every card still inserted is removed at teardown, and teardown waits
until pcscd reports the slot empty so the next test starts clean.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.virtual.card import VirtualPivCard
from devices.virtual.pcscd import VPCD_READERS, PcscDaemon, wait_for_readers
from devices.virtual.vpcd import VpcdCard

InsertCard = Callable[..., VpcdCard]


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PcscDaemon]:
    if shutil.which("pcscd") is None:
        pytest.fail("pcscd is not installed (Debian packages pcscd and vsmartcard-vpcd)")
    if not Path("/etc/reader.conf.d/vpcd").exists():
        pytest.fail("vsmartcard-vpcd is not installed (/etc/reader.conf.d/vpcd missing)")
    log_file = tmp_path_factory.mktemp("pcscd") / "pcscd.log"
    daemon = PcscDaemon.ensure(log_file=log_file)
    yield daemon
    daemon.stop()


@pytest.fixture
def vpcd_cards(pcscd: PcscDaemon) -> Iterator[InsertCard]:
    """``insert(card, reader=0|1) -> VpcdCard``; all removed at teardown."""
    inserted: list[VpcdCard] = []

    def insert(card: VirtualPivCard, reader: int = 0) -> VpcdCard:
        link = VpcdCard(card, reader=reader)
        link.insert()
        inserted.append(link)
        return link

    yield insert
    for link in inserted:
        link.remove()
    # A test that stopped the daemon must leave it running for the others.
    if pcscd.owned and pcscd.process is None:
        pcscd.start()
    wait_for_readers(VPCD_READERS)

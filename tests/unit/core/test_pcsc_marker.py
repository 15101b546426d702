"""The ``pcsc`` marker (tests/support/pcsc_marker.py) that splits `make test` into a serial
part on the one pcscd and a parallel part: set from the fixture closure, and a test without
it that opens a PC/SC context fails. Checked on a small suite in a pytest subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

CONFTEST = """
import pytest

@pytest.fixture
def pcscd():
    return "a stand-in: the real one starts the daemon"

@pytest.fixture
def card_session(pcscd):
    return pcscd
"""

TESTS = """
import threading

from smartcard import scard


def open_and_release_a_context():
    hresult, handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult == scard.SCARD_S_SUCCESS:
        scard.SCardReleaseContext(handle)


def in_a_thread():
    thread = threading.Thread(target=open_and_release_a_context, name="watcher")
    thread.start()
    thread.join()


def test_uses_the_daemon(pcscd):
    open_and_release_a_context()


def test_uses_it_through_another_fixture(card_session):
    in_a_thread()


def test_needs_no_daemon():
    pass


def test_reaches_the_daemon_unmarked():
    in_a_thread()
"""


def run_pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_suite.py").write_text(TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    pcsc: the one pcscd\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pytest", "-p", "tests.support.pcsc_marker"]
    return subprocess.run(
        [*command, "-p", "no:cacheprovider", "-p", "no:randomly", *args],
        check=False,  # the failing test is the point: read its output
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_tests_whose_fixtures_reach_pcscd_are_marked_pcsc(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, "-m", "pcsc", "--collect-only", "-q")
    selected = {line.split("::")[1] for line in result.stdout.splitlines() if "::" in line}
    assert selected == {"test_uses_the_daemon", "test_uses_it_through_another_fixture"}


def test_an_unmarked_test_that_opens_a_pcsc_context_fails(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, "-q")
    # the error comes at teardown, after the test body passed: four passed, one error
    assert "ERROR at teardown of test_reaches_the_daemon_unmarked" in result.stdout
    assert "threads ['watcher']) without the pcsc marker" in result.stdout
    assert "4 passed, 1 error" in result.stdout, result.stdout


def test_the_pcsc_tests_are_one_xdist_group(tmp_path: Path) -> None:
    """`make test` runs with ``--dist loadgroup``: the group keeps them on one worker."""
    result = run_pytest(tmp_path, "-n", "2", "--dist", "loadgroup", "-v")
    workers = {
        name: line.split("]")[0].split("[")[-1]
        for line in result.stdout.splitlines()
        for name in ("test_uses_the_daemon", "test_uses_it_through_another_fixture")
        if f"::{name}@pcsc" in line and "PASSED" in line
    }
    assert len(workers) == 2 and len(set(workers.values())) == 1, result.stdout

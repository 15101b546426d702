"""The ``pcsc`` marker: which tests use the machine's one pcscd and its two vpcd readers.

Only one pcscd runs per machine (fixed socket) and the two vpcd readers are shared, so the
``pcsc`` tests run one after another: they are also one pytest-xdist group, which
``--dist loadgroup`` (as in `make test`) gives to one worker while the other workers run
every other test beside it. The marker is set from the fixture closure, not by hand; a test
without it that still opens a PC/SC context (say through the app's reader watcher) fails at
teardown, so nothing in the parallel part reaches the daemon unnoticed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

# The fixtures that reach the daemon (tests/integration/pcscd_fixture.py); a fixture that
# depends on one of them puts it into the closure too.
PCSC_FIXTURES = frozenset({"pcscd", "vpcd_cards"})
PCSC_GROUP = "pcsc"


# tryfirst: pytest-xdist reads the group marker in its own collection hook.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if PCSC_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.pcsc)
            item.add_marker(pytest.mark.xdist_group(PCSC_GROUP))


@pytest.fixture(autouse=True)
def pcsc_only_when_marked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Record every PC/SC context a test without the ``pcsc`` marker opens, in any thread
    (autouse: torn down after the test's own fixtures have stopped their threads)."""
    if request.node.get_closest_marker("pcsc") is not None:
        yield
        return
    from smartcard import scard

    establish = scard.SCardEstablishContext
    opened_in: list[str] = []

    def recording_establish(*args: object) -> object:
        opened_in.append(threading.current_thread().name)
        return establish(*args)

    monkeypatch.setattr(scard, "SCardEstablishContext", recording_establish)
    yield
    if opened_in:
        pytest.fail(
            f"opened a PC/SC context (threads {sorted(set(opened_in))}) without the pcsc "
            "marker: request the pcscd or vpcd_cards fixture so it runs in the serial part",
            pytrace=False,
        )

"""The PKCS#11 worker process starts under a Textual app, which replaces ``sys.stderr`` by
an object whose ``fileno()`` is -1 (multiprocessing's resource tracker passes that
descriptor to its own process, and the spawn failed with a bare ``ValueError``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import io
    import sys

    from devices.card.errors import Pkcs11ModuleError
    from devices.card.pkcs11_worker import Pkcs11Worker


    class Captured(io.StringIO):  # what Textual puts in sys.stderr while it runs
        def fileno(self) -> int:
            return -1


    sys.stderr = Captured()
    worker = Pkcs11Worker("/nonexistent/no-such-module.so", timeout=20)
    try:
        worker.call("card_names")
    except Pkcs11ModuleError:
        print("worker started and reported the module")
    except Exception as exc:
        print("failed:", repr(exc))
    finally:
        worker.close()
    """
)


def test_pkcs11_worker_starts_while_stderr_has_no_descriptor() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "worker started and reported the module" in result.stdout

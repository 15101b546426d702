"""Limits of one central server process, in a module of their own so that ``kiosk
central --help`` and its argument checks need neither Starlette nor SQLAlchemy."""

from __future__ import annotations

# Requests of one process doing their work (body checks, signatures, database) at once.
# Thirty pushes in thirty threads of one process fight for its GIL at each database round
# trip and all finish late (measured: push p99 over 100 ms at 2,400 events/s on two
# workers); three at a time keep a local PostgreSQL busy and the p99 near 20 ms.
WORK_THREADS = 3

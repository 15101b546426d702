"""The central service's operations, one class over one database.

Stateless: everything that must hold across processes lives in the database, so any
number of processes may serve it. The operations come in four parts, each in its
module over the shared row access (``central.access``): administration
(``central.admin``), reads and checks (``central.reads``), push (``central.push``:
verify, order and apply a batch in one transaction) and pull (``central.pull``: the
changes after a cursor, as wire JSON) and checkpoints (``central.checkpoints``: fork
alarms, a kiosk's chain handed back) and blocks received outside the chain
(``central.outside_chain``, R9).
"""

from __future__ import annotations

from central.admin import AdminOperations
from central.checkpoints import CheckpointOperations
from central.outside_chain import OutsideChainOperations
from central.photos import PhotoOperations
from central.production import ProductionOperations
from central.pull import PullOperations
from central.reads import ReadOperations


class CentralService(
    AdminOperations,
    ReadOperations,
    OutsideChainOperations,  # a PushOperations: blocks outside the chain too
    PullOperations,
    PhotoOperations,
    ProductionOperations,
    CheckpointOperations,
):
    """The central's operations over one SQLAlchemy engine (SQLite or PostgreSQL):
    ``CentralService(engine, cipher=..., clock=..., checkpoint_key=...)``; with a
    checkpoint key, push and head answers carry a signed checkpoint
    (``central.checkpoints``)."""

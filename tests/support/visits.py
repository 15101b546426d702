"""Customer visits as the workflows take them, without going through the screens."""

from __future__ import annotations

import datetime as dt

from kiosk.domain.types import IdentityDocument
from kiosk.services.login import Operator
from kiosk.services.ports import HolderSummary, IdentityOutcome
from kiosk.services.visit import Visit, VisitPurpose


def visit_with_identity(
    operator: Operator,
    holder: HolderSummary,
    document: IdentityDocument | None,
    *,
    started_at: dt.datetime,
    checked_at: dt.datetime,
    approved: bool = True,
    same_organisation: bool = False,
) -> Visit:
    """A visit of ``holder`` whose identity check showed ``document`` (``None``: no check
    yet) at ``checked_at``; the clerk confirmed the photo. ``approved=False``: the check
    refused the document."""
    identity = None
    if document is not None:
        identity = IdentityOutcome(
            accepted=approved, checks=(), document=document, checked_at=checked_at
        )
    return Visit(
        VisitPurpose.GENERAL,
        operator,
        holder=holder,
        identity=identity,
        likeness_confirmed=True,
        started_at=started_at,
        same_organisation=same_organisation,
    )

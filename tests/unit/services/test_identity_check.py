"""The visit's purpose decides what the document is checked and recorded for (R1)."""

from __future__ import annotations

from kiosk.domain.types import VisitPurpose
from kiosk.services.identity_check import checked_for


def test_r1_a_general_visit_checks_the_document_as_for_an_activation() -> None:
    assert checked_for(VisitPurpose.GENERAL) is VisitPurpose.ACTIVATION
    assert checked_for(VisitPurpose.ACTIVATION) is VisitPurpose.ACTIVATION
    assert checked_for(VisitPurpose.UNLOCK) is VisitPurpose.UNLOCK

"""Deviations in the identity check (R1): a photo that is not the person refuses activation
and in-person unlock whatever reason is given; a name or birth-date deviation continued
with a reason is journaled on the workflow's event and printed on its receipt."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.domain.types import Role, VisitPurpose
from kiosk.errors import IdentityCheckMissingError
from kiosk.i18n import Catalogue
from kiosk.receipts.facts import event_details
from kiosk.receipts.render import detail_text
from kiosk.services.identity import (
    CHECK_NAME,
    REASON_NAME,
    CheckLine,
    CheckStatus,
    IdentityReport,
    IdentityVerdict,
)
from kiosk.services.ports import IdentityOutcome
from kiosk.services.visit import Visit
from kiosk.services.workflows.activation import ActivationService
from tests.support.world import NEW_PIN, World
from tests.unit.workflows.test_unlock import locked_card, service


def _with_name_deviation(world: World, visit: Visit) -> Visit:
    """The visit's check found the name differs; the clerk gave a reason (photo alike)."""
    assert visit.identity is not None and visit.identity.document is not None
    document = visit.identity.document
    report = IdentityReport(
        purpose=VisitPurpose.ACTIVATION,
        kind=None,
        issuing_state=document.issuing_state,
        expiry_date=document.expiry,
        checks=(CheckLine(CHECK_NAME, CheckStatus.FAILED, False, REASON_NAME),),
        verdict=IdentityVerdict.MISMATCH,
        document_number="",
    )
    visit.identity = dataclasses.replace(
        visit.identity, accepted=False, soft_mismatch=True, report=report
    )
    visit.likeness_confirmed, visit.reason_given = True, True
    return visit


def _photo_unlike_with_reason(visit: Visit) -> Visit:
    """What the visit held after "Foto ✗" and a typed reason before the fix."""
    visit.likeness_confirmed, visit.reason_given = False, True
    return visit


def test_r1_photo_mismatch_refuses_activation_whatever_the_reason(world: World) -> None:
    world.card(world.spec("D701"))
    visit = _photo_unlike_with_reason(world.visit())
    assert not visit.identity_done
    with pytest.raises(IdentityCheckMissingError):
        ActivationService(world.services).activate(visit, "D701")
    assert world.state("D701") == "shipped"


def test_r1_photo_mismatch_refuses_in_person_unlock_whatever_the_reason(world: World) -> None:
    made = locked_card(world, "D702")
    visit = _photo_unlike_with_reason(world.visit(Role.ID_ADMIN))
    with pytest.raises(IdentityCheckMissingError):
        service(world).unlock_in_person(visit, "D702", NEW_PIN, NEW_PIN)
    assert made.card.pin_tries_left == 0


def test_r1_name_deviation_with_reason_is_journaled_and_on_the_receipt(world: World) -> None:
    world.card(world.spec("D703"))
    visit = _with_name_deviation(world, world.visit())
    assert visit.overridden_deviations() == ("name",)
    ActivationService(world.services).activate(visit, "D703")
    event_type, payload, *_ = world.events()[-1]
    assert event_type == "card.activated" and payload["deviations"] == ["name"]
    details = dict(event_details(event_type, payload))
    assert details == {"deviation_name": True, "photo_compared": "document_only"}
    line = detail_text(Catalogue("sv"), "deviation_name", True)
    assert "Namnet på id-handlingen" in line and "motivering" in line


def test_r1_name_deviation_with_reason_is_on_the_in_person_unlock_event(world: World) -> None:
    locked_card(world, "D704")
    visit = _with_name_deviation(world, world.visit(Role.ID_ADMIN))
    service(world).unlock_in_person(visit, "D704", NEW_PIN, NEW_PIN)
    event_type, payload, *_ = world.events()[-1]
    assert event_type == "card.unlocked_in_person" and payload["deviations"] == ["name"]
    assert ("deviation_name", True) in event_details(event_type, payload)


def test_clean_check_adds_no_deviations(world: World) -> None:
    world.card(world.spec("D705"))
    ActivationService(world.services).activate(world.visit(), "D705")
    assert "deviations" not in world.events()[-1][1]


def test_unknown_deviation_names_never_reach_the_receipt() -> None:
    payload = {"serial": "S", "deviations": ["photo", "personnummer", "name"]}
    assert event_details("card.activated", payload) == (("deviation_name", True),)


def test_identity_outcome_without_report_has_no_deviations(world: World) -> None:
    visit = world.visit()
    visit.identity = IdentityOutcome(accepted=True, checks=())
    assert visit.overridden_deviations() == ()

"""The holder's own card against the cached revocation lists: activation (R2) and unlock
(R7) refuse a revoked card, and refuse while the list is past its grace period, before
the holder types a PUK or a new PIN where the card is already in the reader; a list
within the grace period lets them go on; blocking is never refused (R9)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from devices.card.revocation import RevocationCache, RevocationList, RevocationListExpiredError
from devices.virtual.factory import PersonalisedCard
from devices.virtual.pki import TestPki
from devices.virtual.pki_crl import issue_crl
from kiosk.domain.types import BlockReason, Role
from kiosk.i18n import Catalogue
from kiosk.services.errors import CardRevokedError
from kiosk.services.trust import AnchoredTrust
from kiosk.services.workflows.blocking import BlockForm
from kiosk.services.workflows.container import Workflows, build_workflows
from tests.support.world import NEW_PIN, World, operator


def _trust(pki: TestPki, crl: bytes) -> AnchoredTrust:
    cache = RevocationCache([RevocationList.load(crl, [pki.person_ca.cert, pki.root])])
    return AnchoredTrust(
        [pki.person_ca.cert.public_bytes(Encoding.DER)],
        [pki.root.public_bytes(Encoding.DER)],
        revocation=cache,
    )


def _revoking(pki: TestPki, now: dt.datetime, *cards: PersonalisedCard) -> bytes:
    serials = [c.holder.authentication.cert.serial_number for c in cards]
    return issue_crl(pki.person_ca, serials, this_update=now, next_update=now + dt.timedelta(7))


def _due(pki: TestPki, now: dt.datetime, days_ago: int) -> bytes:
    """A list that nobody revoked on, whose nextUpdate was ``days_ago`` days before now."""
    next_update = now - dt.timedelta(days=days_ago)
    return issue_crl(
        pki.person_ca, [], this_update=next_update - dt.timedelta(1), next_update=next_update
    )


def _flows(world: World, trust: AnchoredTrust) -> Workflows:
    return build_workflows(
        store=world.store,
        journal=world.journal,
        card_opener=world.opener(),
        clock=world.clock,
        trust=trust,
    )


def _locked(world: World, serial: str, product_number: str) -> PersonalisedCard:
    made = world.card(world.spec(serial, state="active", product_number=product_number))
    world.lock(made)
    world.insert(made)
    return made


def test_r2_activation_refuses_a_revoked_holder_card(world: World, pki: TestPki) -> None:
    made = world.card(world.spec("RV701"))
    world.insert(made)
    flows = _flows(world, _trust(pki, _revoking(pki, world.now, made)))
    with pytest.raises(CardRevokedError) as info:
        flows.activation.activate(world.visit(), "RV701")
    assert "spärrat" in Catalogue("sv").error(info.value)
    assert world.state("RV701") == "shipped" and world.events() == []


def test_r2_activation_refused_with_a_list_past_its_grace(world: World, pki: TestPki) -> None:
    made = world.card(world.spec("RV702"))
    world.insert(made)
    flows = _flows(world, _trust(pki, _due(pki, world.now, days_ago=8)))
    with pytest.raises(RevocationListExpiredError) as info:
        flows.activation.activate(world.visit(), "RV702")
    issuer = str(info.value.params["issuer"])
    assert issuer and issuer in Catalogue("en").error(info.value)
    assert world.state("RV702") == "shipped" and world.events() == []


def test_r2_activation_goes_on_with_a_list_within_its_grace(world: World, pki: TestPki) -> None:
    made = world.card(world.spec("RV703"))
    world.insert(made)
    flows = _flows(world, _trust(pki, _due(pki, world.now, days_ago=1)))
    flows.activation.activate(world.visit(), "RV703")
    assert world.state("RV703") == "active"


def test_r7_unlock_plan_refuses_a_revoked_card_before_any_code_is_typed(
    world: World, pki: TestPki
) -> None:
    made = _locked(world, "RV511", "511")
    flows = _flows(world, _trust(pki, _revoking(pki, world.now, made)))
    with pytest.raises(CardRevokedError):
        flows.unlock.plan(world.visit(), "RV511")


def test_r7_unlock_plan_refuses_with_a_list_past_its_grace(world: World, pki: TestPki) -> None:
    _locked(world, "RV512", "512")
    flows = _flows(world, _trust(pki, _due(pki, world.now, days_ago=8)))
    with pytest.raises(RevocationListExpiredError):
        flows.unlock.plan(world.visit(), "RV512")


def test_r7_unlock_plan_without_the_card_in_the_reader_still_plans(
    world: World, pki: TestPki
) -> None:
    made = world.card(world.spec("RV513", state="active", product_number="513"))
    flows = _flows(world, _trust(pki, _revoking(pki, world.now, made)))
    assert flows.unlock.plan(world.visit(), "RV513").serial == "RV513"  # nothing in the reader


def test_r7_code_letter_unlock_of_a_revoked_card_leaves_it_locked(
    world: World, pki: TestPki
) -> None:
    made = _locked(world, "RV514", "514")
    flows = _flows(world, _trust(pki, _revoking(pki, world.now, made)))
    with pytest.raises(CardRevokedError):
        flows.unlock.unlock_with_code_letter(world.visit(), "RV514", made.puk, NEW_PIN, NEW_PIN)
    assert made.card.pin_tries_left == 0 and world.events() == []


def test_r7_in_person_unlock_refused_with_a_list_past_its_grace(world: World, pki: TestPki) -> None:
    made = _locked(world, "RV715", "715")
    flows = _flows(world, _trust(pki, _due(pki, world.now, days_ago=8)))
    with pytest.raises(RevocationListExpiredError):
        flows.unlock.unlock_in_person(world.visit(Role.ID_ADMIN), "RV715", NEW_PIN, NEW_PIN)
    assert made.card.pin_tries_left == 0 and world.events() == []


def test_r9_blocking_a_revoked_card_with_a_list_past_its_grace_is_never_refused(
    world: World, pki: TestPki
) -> None:
    made = world.card(world.spec("RV716", state="active", product_number="716"))
    world.insert(made)
    flows = _flows(world, _trust(pki, _due(pki, world.now, days_ago=30)))
    flows.blocking.block(operator(), BlockForm("RV716", BlockReason.LOST))
    assert world.state("RV716") == "blocked"

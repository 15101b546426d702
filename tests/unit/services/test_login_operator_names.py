"""At login the certificate's common name fills in an operator the roster has no name
for: the status bar, the roster (encrypted), and so the history, day report and
receipts name the operator; a name on the roster is never replaced by the card's."""

from __future__ import annotations

from cryptography.hazmat.primitives.serialization import Encoding

from devices.virtual.factory import PersonalisedCard
from devices.virtual.pki import TestPki
from kiosk.receipts.facts import facts_for_event
from kiosk.services.device_adapters import InProcessReaders
from kiosk.services.login import LoggedInOperator, LoginService
from kiosk.services.ports import ReaderRole
from kiosk.services.store_views import StoreRoster
from kiosk.services.trust import AnchoredTrust
from store.holders import add_operator, operator_name
from tests.support.world import CLERK, CLERK_NAME, OFFICE, World

NAMELESS = "SE2321000016-NEW1"
COMMON_NAME = "Nils Namnlösson"


def _login(world: World, pki: TestPki, card: PersonalisedCard) -> LoggedInOperator:
    readers = InProcessReaders()
    readers.insert(ReaderRole.OPERATOR, card.card)
    trust = AnchoredTrust(
        [pki.person_ca.cert.public_bytes(Encoding.DER)], [pki.root.public_bytes(Encoding.DER)]
    )
    service = LoginService(
        cards=readers,
        trust=trust,
        roster=StoreRoster(world.store),
        clock=world.clock,
        office_id=OFFICE,
    )
    return service.login(card.pin)


def _roster_name(world: World, hsa_id: str) -> str | None:
    with world.store.read_only() as tx:
        return operator_name(tx, world.store.cipher, hsa_id)


def _add_nameless(world: World) -> None:
    with world.store.unit_of_work() as tx:  # as pulled from a central without names
        add_operator(
            tx,
            world.store.cipher,
            hsa_id=NAMELESS,
            role="clerk",
            cert_fingerprint="",
            name="",
            office_id=OFFICE,
        )


def test_the_certificates_common_name_fills_in_a_nameless_roster_entry(
    world: World, pki: TestPki
) -> None:
    _add_nameless(world)
    card = world.factory.personalise(holder_id=NAMELESS, name=COMMON_NAME)
    identity = _login(world, pki, card)
    assert identity.hsa_id == NAMELESS and identity.display_name == COMMON_NAME
    assert _roster_name(world, NAMELESS) == COMMON_NAME


def test_a_roster_name_stays_whatever_the_certificate_says(world: World, pki: TestPki) -> None:
    card = world.factory.personalise(holder_id=CLERK, name="Åsa H. (kortets namn)")
    assert _login(world, pki, card).display_name == CLERK_NAME
    assert _roster_name(world, CLERK) == CLERK_NAME


def test_receipts_name_the_operator_by_the_certificates_name_when_the_roster_has_none(
    world: World, pki: TestPki
) -> None:
    _add_nameless(world)
    _login(world, pki, world.factory.personalise(holder_id=NAMELESS, name=COMMON_NAME))
    world.add_card("SE0000000077")
    event = world.event("card.activated", {"serial": "SE0000000077"}, operator=NAMELESS)
    with world.store.unit_of_work() as tx:
        facts = facts_for_event(tx, world.store.cipher, event, office_id=OFFICE)
    assert facts.operator == NAMELESS and facts.operator_name == COMMON_NAME


def test_receipts_name_the_operator_from_the_roster(world: World) -> None:
    world.add_card("SE0000000078")
    event = world.event("card.activated", {"serial": "SE0000000078"}, operator=CLERK)
    with world.store.unit_of_work() as tx:
        facts = facts_for_event(tx, world.store.cipher, event, office_id=OFFICE)
    assert facts.operator_name == CLERK_NAME

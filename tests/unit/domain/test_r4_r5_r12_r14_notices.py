"""R4 (trace registered post), R5 (signing certificate), R12 (reserve cards), R14 (support)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiosk.domain.reserve import assurance_notice
from kiosk.domain.signing import signing_cert_notice
from kiosk.domain.support import support_path
from kiosk.domain.types import AssuranceLevel, CardFacts, ShipmentMethod
from kiosk.domain.undelivered import trace_notices
from kiosk.errors import NotRegisteredPostError
from kiosk.i18n import Catalogue

MakeCard = Callable[..., CardFacts]


def test_r4_registered_post_is_traced_with_rek_id_at_postnord(card: MakeCard) -> None:
    c = card(shipment_method=ShipmentMethod.REGISTERED, rek_id="RR123456789SE")
    first, second = trace_notices(c)
    assert first.key == "notice.r4.rek_id"
    assert first.params == {"rek_id": "RR123456789SE"}
    assert second.key == "notice.r4.trace_with_postnord"
    assert "PostNord" in Catalogue("sv")(second.key)


def test_r4_without_rek_id_says_who_provides_it(card: MakeCard) -> None:
    c = card(shipment_method=ShipmentMethod.REGISTERED, rek_id=None)
    first, _ = trace_notices(c)
    assert first.key == "notice.r4.ask_for_rek_id"
    text = Catalogue("sv")(first.key)
    assert "id-administratören" in text
    assert "servicedesk" in text


def test_r4_a_post_cannot_be_traced(card: MakeCard) -> None:
    with pytest.raises(NotRegisteredPostError):
        trace_notices(card(shipment_method=ShipmentMethod.A_POST))


def test_r5_signing_certificate_present_or_where_to_get_it(card: MakeCard) -> None:
    assert signing_cert_notice(card(has_signing_cert=True)).key == "notice.r5.signing_present"
    missing = signing_cert_notice(card(has_signing_cert=False))
    assert missing.key == "notice.r5.signing_missing"
    assert "Mina sidor" in Catalogue("sv")(missing.key)
    assert "Mina sidor" in Catalogue("en")(missing.key)


@pytest.mark.parametrize(
    ("reserve", "level", "key"),
    [
        (False, None, "notice.r12.ordinary"),
        (True, AssuranceLevel.LOA2, "notice.r12.reserve_loa2"),
        (True, AssuranceLevel.LOA3, "notice.r12.reserve_loa3"),
        (True, None, "notice.r12.reserve_unknown"),
    ],
)
def test_r12_reserve_card_assurance_level(
    card: MakeCard, reserve: bool, level: AssuranceLevel | None, key: str
) -> None:
    assert assurance_notice(card(is_reserve=reserve, assurance_level=level)).key == key


def test_r12_texts_name_the_level() -> None:
    assert "LoA2" in Catalogue("sv")("notice.r12.reserve_loa2")
    assert "LoA3" in Catalogue("en")("notice.r12.reserve_loa3")


def test_r14_support_contact_first_then_service_desk() -> None:
    keys = [n.key for n in support_path(on_sll_net=False)]
    assert keys == ["notice.r14.contact", "notice.r14.service_desk"]


def test_r14_on_sll_net_the_portal_needs_card_login() -> None:
    keys = [n.key for n in support_path(on_sll_net=True)]
    assert keys[-1] == "notice.r14.portal_card_login"
    assert "SLL-net" in Catalogue("sv")(keys[-1])

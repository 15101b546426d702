"""What the login tells the operator about the cached revocation lists: a list that the
reload left out (damaged, or signed by no trusted SITHS CA) is among the login's warnings,
as the limit to blocking cards is (R9)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from cryptography.hazmat.primitives.serialization import Encoding

from clock import FixedClock
from devices.virtual.factory import CardFactory
from devices.virtual.pki import TestPki
from devices.virtual.pki_crl import issue_crl
from kiosk.services.device_adapters import InProcessReaders
from kiosk.services.login import LoginService
from kiosk.services.ports import ReaderRole
from kiosk.services.trust import AnchoredTrust
from store.records import OperatorRecord

CLERK = "SE2321000016-7001"


class Roster:
    def find_by_hsa_id(self, hsa_id: str) -> OperatorRecord | None:
        return OperatorRecord(CLERK, "clerk", "", "Clara Kvist", "KK-SOLNA", True)

    def last_contact(self) -> dt.datetime | None:
        return None


class Source:
    def __init__(self, lists: Mapping[str, bytes]) -> None:
        self._lists = lists

    def version(self) -> str | None:
        return "v1"

    def lists(self) -> Mapping[str, bytes]:
        return self._lists


def test_r9_login_warns_of_cached_lists_left_out(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    rogue = issue_crl(
        pki.rogue_ca, [], this_update=now, next_update=now + dt.timedelta(days=7)
    )  # signed by a CA the kiosk does not trust
    trust = AnchoredTrust(
        [pki.person_ca.cert.public_bytes(Encoding.DER)],
        [pki.root.public_bytes(Encoding.DER)],
        source=Source({"a": b"not a CRL", "b": rogue}),
    )
    card = CardFactory(pki, master_secret=b"t").personalise(holder_id=CLERK, name="Clara Kvist")
    readers = InProcessReaders()
    readers.insert(ReaderRole.OPERATOR, card.card)
    identity = LoginService(
        cards=readers, trust=trust, roster=Roster(), clock=FixedClock(now), office_id="KK-SOLNA"
    ).login("123456")
    assert not identity.blocking_only  # a damaged list limits nothing by itself
    assert sorted(key for key, _ in identity.warnings) == [
        "error.crl.unparsable",
        "error.crl.wrong_signer",
    ]

"""Card figures for both backends on the real stack: pcscd + vpcd + a virtual PIV card,
reached through the kiosk's PIV code over pyscard and through OpenSC's PKCS#11 module in
the PKCS#11 worker process.

- card.full_read_piv_ms / card.full_read_pkcs11_ms: a full card read and check through the
  card protocol (open, card number, four certificates, PIN state, chain check, close); the
  PKCS#11 figure's baseline is the PIV figure of the same run, so its ratio is PKCS#11/PIV.
- card.pkcs11_login_ms: ``LoginService.login`` on the PKCS#11 backend (certificate, dates,
  chain, roster, PIN, challenge signature), the worker started once as in the app; its
  baseline is a raw python-pkcs11 module load + open + login + sign of the same card in
  the same run. Budget: ratio ≤ 1.5.

Samples of the two sides are interleaved so that drift hits both alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

from bench.harness import Figure, median
from clock import system_clock
from devices.card.pkcs11_worker import DEFAULT_MODULE, Pkcs11Worker
from devices.virtual.factory import CardFactory
from devices.virtual.pcscd import PcscDaemon
from devices.virtual.pki import TestPki
from devices.virtual.vpcd import VpcdCard
from kiosk.config import ReaderConfig
from kiosk.container import trust_from_certificates
from kiosk.domain.types import Role
from kiosk.services.card import CardAccess, CardKey
from kiosk.services.device_adapters import PcscCards
from kiosk.services.login import LoginService
from kiosk.services.pkcs11_cards import Pkcs11Cards
from kiosk.services.ports import ReaderRole, TrustStore

PIN = "123456"
HSA_ID = "SE2321000016-B001"


@dataclass
class Stack:
    piv: CardAccess
    pkcs11: CardAccess
    trust: TrustStore
    login: LoginService


@contextmanager
def _stack() -> Iterator[Stack]:
    daemon = PcscDaemon.ensure()
    worker = Pkcs11Worker(DEFAULT_MODULE, timeout=30)
    try:
        now = system_clock()
        pki = TestPki.create(now=now)
        issued = CardFactory(pki, master_secret=b"bench").personalise(
            holder_id=HSA_ID, name="Bench Operator", pin=PIN, product_number="712"
        )
        readers = ReaderConfig()
        trust = trust_from_certificates(pki.trust_anchors)
        record = SimpleNamespace(
            hsa_id=HSA_ID, name="Bench Operator", role=Role.CLERK, office_id="KK", active=True
        )
        roster = SimpleNamespace(  # by the HSA-id in the certificate, as the kiosk's roster
            find_by_hsa_id=lambda hsa_id: record if hsa_id == HSA_ID else None,
            last_contact=lambda: None,
            fill_name=lambda hsa_id, name: None,
        )
        pkcs11 = Pkcs11Cards(worker, readers.operator_pattern, readers.customer_pattern)
        login = LoginService(
            cards=pkcs11,
            trust=trust,
            roster=roster,  # type: ignore[arg-type]
            clock=system_clock,
        )
        with VpcdCard(issued.card, reader=0):
            yield Stack(
                PcscCards(readers.operator_pattern, readers.customer_pattern),
                pkcs11,
                trust,
                login,
            )
    finally:
        worker.close()
        daemon.stop()


def _full_read(access: CardAccess, trust: TrustStore) -> None:
    session = access.open(ReaderRole.OPERATOR)
    try:
        assert session.card_serial()
        certificates = [session.certificate(key) for key in CardKey]
        assert all(certificates)
        session.pin_state()
        authentication = certificates[0]
        assert authentication is not None
        assert trust.check_chain(authentication, system_clock(), "authentication").ok
    finally:
        session.close()


def _interleaved(
    first: Callable[[], object], second: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    for _ in range(3):  # warm up (the worker loads the module)
        first()
        second()
    a: list[float] = []
    b: list[float] = []
    clock = time.perf_counter
    for _ in range(repeat):
        start = clock()
        first()
        middle = clock()
        second()
        end = clock()
        a.append(middle - start)
        b.append(end - middle)
    return a, b


def full_read(scale: float) -> list[Figure]:
    repeat = max(10, int(60 * scale))
    with _stack() as stack:
        piv, pkcs11 = _interleaved(
            lambda: _full_read(stack.piv, stack.trust),
            lambda: _full_read(stack.pkcs11, stack.trust),
            repeat,
        )
    note = f"median of {repeat}: open, card number, 4 certificates, PIN state, chain, close"
    piv_ms = median(piv) * 1e3
    return [
        Figure("card.full_read_piv_ms", piv_ms, "ms", None, 50.0, note=note),
        Figure(
            "card.full_read_pkcs11_ms",
            median(pkcs11) * 1e3,
            "ms",
            piv_ms,
            None,
            note=note + "; baseline = the PIV backend (ratio PKCS#11/PIV)",
        ),
    ]


# Runs in a fresh interpreter per sample: a module loaded once per process cannot be
# unloaded and loaded again (python-pkcs11 crashes), and the figure includes the load.
_RAW_SCRIPT = """
import sys, time
start = time.perf_counter()
import pkcs11
from pkcs11 import Attribute, Mechanism, ObjectClass
lib = pkcs11.lib(sys.argv[1])
slot = [s for s in lib.get_slots(token_present=True) if sys.argv[2] in s.slot_description][0]
with slot.get_token().open(user_pin=sys.argv[3]) as session:
    template = {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.ID: b"\\x01"}
    key = next(iter(session.get_objects(template)))
    key.sign(b"challenge", mechanism=Mechanism.ECDSA_SHA256)
print(time.perf_counter() - start)
"""


def _raw_open_login_sign() -> float:
    """python-pkcs11 straight: import, load the module, open the token, log in, sign;
    timed inside its own process (interpreter start-up not counted)."""
    import subprocess
    import sys

    reader = ReaderConfig().operator_pattern.split("|")[0]
    out = subprocess.run(
        [sys.executable, "-c", _RAW_SCRIPT, DEFAULT_MODULE, reader, PIN],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return float(out.stdout.strip().splitlines()[-1])


def pkcs11_login(scale: float) -> Figure:
    repeat = max(10, int(40 * scale))
    ours: list[float] = []
    raw: list[float] = []
    with _stack() as stack:
        for round_ in range(repeat + 3):
            start = time.perf_counter()
            stack.login.login(PIN)
            took = time.perf_counter() - start
            raw_took = _raw_open_login_sign()
            if round_ >= 3:  # the first rounds warm up (the worker loads the module)
                ours.append(took)
                raw.append(raw_took)
    return Figure(
        name="card.pkcs11_login_ms",
        value=median(ours) * 1e3,
        unit="ms",
        baseline=median(raw) * 1e3,
        budget=1.5,
        budget_kind="max_ratio",
        note=(
            f"median of {repeat}: LoginService on the PKCS#11 backend (chain, roster, PIN, "
            "challenge); baseline = raw python-pkcs11 module load + open + login + sign"
        ),
    )


FIGURES: dict[str, Callable[[float], Figure | list[Figure]]] = {
    "card.full_read_backends": full_read,
    "card.pkcs11_login_ms": pkcs11_login,
}

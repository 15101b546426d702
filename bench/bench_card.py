"""Card figures on the real PC/SC stack (pcscd + vpcd + a virtual PIV card in-process).

- card.adapter_overhead_verify / card.adapter_overhead_getdata: median time of VERIFY and
  of GET DATA (CHUID) through ``PivSession`` divided by pyscard's raw ``SCardTransmit`` of
  the same APDUs on the same card in the same run; budget ratio ≤ 1.10.
- card.full_read_ms: SELECT, CHUID, printed information, four certificates, chain check
  and PIN tries (``read_card``); budget ≤ 50 ms median.

Samples of the session and of the raw baseline are interleaved so drift hits both alike.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bench.harness import Figure, median
from clock import system_clock
from devices.card.certs import TrustAnchors
from devices.card.pcsc import PcscConnection, PcscContext
from devices.card.piv import OBJECT_CHUID, PivSession
from devices.card.reading import read_card
from devices.virtual.factory import CardFactory
from devices.virtual.pcscd import VPCD_READERS, PcscDaemon
from devices.virtual.pki import TestPki
from devices.virtual.vpcd import VpcdCard

PIN = "123456"
VERIFY_APDU = list(bytes.fromhex("0020008008313233343536FFFF"))
GET_CHUID_APDU = list(bytes.fromhex("00CB3FFF055C035FC10200"))


@dataclass
class Stack:
    connection: PcscConnection
    session: PivSession
    anchors: TrustAnchors
    now: dt.datetime  # the moment the test PKI was made: its certificates are valid then


@contextmanager
def _stack() -> Iterator[Stack]:
    daemon = PcscDaemon.ensure()
    try:
        now = system_clock()
        pki = TestPki.create(now=now)
        issued = CardFactory(pki, master_secret=b"bench").personalise(pin=PIN)
        with VpcdCard(issued.card, reader=0), PcscContext() as context:
            connection = context.connect(VPCD_READERS[0])
            try:
                yield Stack(
                    connection,
                    PivSession(connection),
                    TrustAnchors.from_certificates(pki.trust_anchors),
                    now,
                )
            finally:
                connection.close()
    finally:
        daemon.stop()


def _interleaved(
    adapter: Callable[[], object], raw: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    for _ in range(max(20, repeat // 10)):  # warm up
        adapter()
        raw()
    a: list[float] = []
    r: list[float] = []
    clock = time.perf_counter
    for _ in range(repeat):
        start = clock()
        adapter()
        middle = clock()
        raw()
        end = clock()
        a.append(middle - start)
        r.append(end - middle)
    return a, r


def _overhead(name: str, apdu: list[int], operation: str, scale: float) -> Figure:
    repeat = max(200, int(2000 * scale))
    with _stack() as stack:
        transmit = stack.connection.raw_transmitter()

        def raw() -> object:
            hresult, response = transmit(apdu)
            assert hresult == 0 and response[-2:] == [0x90, 0x00]
            return response

        if operation == "verify":

            def adapter() -> object:
                stack.session.verify_pin(PIN)
                return None
        else:

            def adapter() -> object:
                return stack.session.get_object(OBJECT_CHUID)

        adapter_samples, raw_samples = _interleaved(adapter, raw, repeat)
    return Figure(
        name=name,
        value=median(adapter_samples) * 1e6,
        unit="us",
        baseline=median(raw_samples) * 1e6,
        budget=1.10,
        budget_kind="max_ratio",
        note=f"median of {repeat}; baseline = pyscard SCardTransmit of the same APDU",
    )


def adapter_overhead_verify(scale: float) -> Figure:
    return _overhead("card.adapter_overhead_verify", VERIFY_APDU, "verify", scale)


def adapter_overhead_getdata(scale: float) -> Figure:
    return _overhead("card.adapter_overhead_getdata", GET_CHUID_APDU, "getdata", scale)


def full_read_ms(scale: float) -> Figure:
    repeat = max(20, int(200 * scale))
    with _stack() as stack:
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            reading = read_card(PivSession(stack.connection), stack.anchors, now=stack.now)
            samples.append(time.perf_counter() - start)
            assert len(reading.certificates) == 4
    return Figure(
        name="card.full_read_ms",
        value=median(samples) * 1e3,
        unit="ms",
        baseline=None,
        budget=50.0,
        note=f"median of {repeat}: SELECT, CHUID, printed info, 4 certs, chain check, PIN tries",
    )


FIGURES: dict[str, Callable[[float], Figure | list[Figure]]] = {
    "card.adapter_overhead_verify": adapter_overhead_verify,
    "card.adapter_overhead_getdata": adapter_overhead_getdata,
    "card.full_read_ms": full_read_ms,
}

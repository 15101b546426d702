"""The central fetches the CRLs of the configured SITHS CAs from their distribution points
and relays them to the kiosks (``GET /v1/crls``), which cache them for offline checks.

A list is kept only when it parses and one of the configured CA certificates signed it; a
failed fetch keeps the last good list (the kiosks judge its age by its nextUpdate). Lists
are fetched again once ``refresh`` has passed or when the held one is past nextUpdate.
Each server process keeps its own copy in memory: CRLs are public, signed data.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509

log = logging.getLogger(__name__)

DEFAULT_REFRESH = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class HeldList:
    url: str
    der: bytes
    fetched_at: dt.datetime
    next_update: dt.datetime | None


def _fetch_http(url: str) -> bytes:
    import httpx

    response = httpx.get(url, timeout=10.0, follow_redirects=True)
    response.raise_for_status()
    return bytes(response.content)


class CrlRelay:
    """The CRLs at ``sources`` (distribution point URLs), checked against ``authorities``."""

    def __init__(
        self,
        sources: Sequence[str],
        authorities: Sequence[x509.Certificate],
        *,
        clock: Callable[[], dt.datetime],
        refresh: dt.timedelta = DEFAULT_REFRESH,
        fetch: Callable[[str], bytes] = _fetch_http,
    ) -> None:
        self._sources = tuple(sources)
        self._authorities = tuple(authorities)
        self._clock = clock
        self._refresh = refresh
        self._fetch = fetch
        self._held: dict[str, HeldList] = {}
        self._lock = threading.Lock()

    def _due(self, url: str, now: dt.datetime) -> bool:
        held = self._held.get(url)
        if held is None or now - held.fetched_at >= self._refresh:
            return True
        return held.next_update is not None and now > held.next_update

    def _load(self, url: str, now: dt.datetime) -> None:
        try:
            data = self._fetch(url)
        except Exception as exc:  # any fetch failure keeps the last good list
            log.warning("CRL fetch failed for %s: %s", url, type(exc).__name__)
            return
        try:
            crl = (
                x509.load_pem_x509_crl(data)
                if data.lstrip().startswith(b"-----")
                else x509.load_der_x509_crl(data)
            )
        except ValueError:
            log.warning("CRL at %s is not a CRL; kept the last good one", url)
            return
        if not any(
            ca.subject == crl.issuer and crl.is_signature_valid(ca.public_key())  # type: ignore[arg-type]
            for ca in self._authorities
        ):
            log.warning("CRL at %s is not signed by a configured CA; ignored", url)
            return
        held = self._held.get(url)
        if held is not None and x509.load_der_x509_crl(held.der).last_update_utc > (
            crl.last_update_utc
        ):
            return  # never go back to an older list
        der = crl.public_bytes(_der_encoding())
        self._held[url] = HeldList(url, der, now, crl.next_update_utc)

    def lists(self) -> list[HeldList]:
        """The held lists, fetching those that are due first."""
        now = self._clock()
        with self._lock:
            for url in self._sources:
                if self._due(url, now):
                    self._load(url, now)
            return [self._held[u] for u in self._sources if u in self._held]

    def answer(self) -> dict[str, Any]:
        """The ``GET /v1/crls`` body."""
        return {
            "crls": [
                {
                    "url": held.url,
                    "der": base64.b64encode(held.der).decode("ascii"),
                    "fetched_at": held.fetched_at.isoformat(),
                }
                for held in self.lists()
            ]
        }


def _der_encoding() -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def load_authorities(paths: Sequence[str]) -> list[x509.Certificate]:
    """The CA certificates (PEM files) whose CRLs the central relays."""
    from pathlib import Path

    certs: list[x509.Certificate] = []
    for path in paths:
        certs.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    return certs

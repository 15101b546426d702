"""HTTP(S) to the central, with mutual TLS when given a client certificate.

Connection problems become :class:`~store.sync.errors.CentralUnreachableError`; 4xx/5xx
answers become :class:`~store.sync.errors.CentralRefusedError`. The bodies are the
messages of ``protocol.wire``, returned as decoded JSON objects.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from protocol.checkpoint import DivergenceReport, EventsQuery
from protocol.outside_chain import BLOCKS_PATH
from protocol.wire import (
    CRLS_PATH,
    DIVERGENCE_PATH,
    EVENTS_PATH,
    HEAD_PATH,
    PHOTO_PATH,
    PULL_PATH,
    PUSH_PATH,
    PullQuery,
    PushRequest,
)
from protocol.wire_photos import PHOTOS_PATH, PhotoBatchRequest
from store.sync.errors import CentralRefusedError, CentralUnreachableError

log = logging.getLogger(__name__)


class CentralTransport:
    """HTTP(S) to the central; with ``client_cert``/``client_key`` it does mutual TLS.

    Connection problems become :class:`CentralUnreachableError`; 4xx/5xx answers become
    :class:`CentralRefusedError`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        client_cert: str | None = None,
        client_key: str | None = None,
        ca_file: str | None = None,
        timeout: float = 5.0,
    ) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        verify: Any = True
        if ca_file or client_cert:
            import ssl

            context = ssl.create_default_context(cafile=ca_file or None)
            if client_cert:
                context.load_cert_chain(client_cert, client_key or None)
            verify = context
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout, verify=verify)
        self._httpx = httpx

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._request(method, path, **kwargs)
        try:
            data = orjson.loads(response.content)
        except ValueError:
            raise CentralRefusedError(status=response.status_code, detail="not JSON") from None
        if not isinstance(data, dict):
            raise CentralRefusedError(status=response.status_code, detail="not an object")
        return data

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        """The answer of a request the central did not refuse (an ``httpx.Response``)."""
        httpx = self._httpx
        try:
            response = self._client.request(method, path, **kwargs)
        except (httpx.TransportError, OSError) as exc:
            log.info("central unreachable: %s", type(exc).__name__)
            raise CentralUnreachableError(url=self.base_url) from None
        if response.status_code >= 400:
            try:
                detail = str(response.json().get("error", ""))
            except ValueError:
                detail = ""
            raise CentralRefusedError(status=response.status_code, detail=detail or "no detail")
        return response

    def push(self, kiosk_id: str, events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        message = PushRequest(kiosk_id, events).to_dict()
        try:
            body = orjson.dumps(message)
        except TypeError:  # what orjson does not write (an integer beyond 64 bits)
            body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        return self._call(
            "POST",
            PUSH_PATH,
            content=body,
            headers={"content-type": "application/json"},
        )

    def pull(self, kiosk_id: str, cursor: int, limit: int) -> dict[str, Any]:
        return self._call("GET", PULL_PATH, params=PullQuery(kiosk_id, cursor, limit).to_params())

    def head(self, kiosk_id: str) -> dict[str, Any]:
        return self._call("GET", HEAD_PATH, params={"kiosk_id": kiosk_id})

    def revocation_lists(self, kiosk_id: str) -> dict[str, Any]:
        return self._call("GET", CRLS_PATH, params={"kiosk_id": kiosk_id})

    def send_photo(self, kiosk_id: str, digest: str, jpeg: bytes) -> dict[str, Any]:
        """A card photo, once: the JPEG bytes as they are, named by their digest."""
        return self._call(
            "POST",
            PHOTO_PATH,
            params={"kiosk_id": kiosk_id, "digest": digest},
            content=jpeg,
            headers={"content-type": "image/jpeg"},
        )

    def fetch_photo(self, kiosk_id: str, digest: str) -> dict[str, Any]:
        """A card photo an open order of this office needs: {"digest", "jpeg" (base64)}."""
        return self._call("GET", PHOTO_PATH, params={"kiosk_id": kiosk_id, "digest": digest})

    def fetch_photo_batch(self, kiosk_id: str, digests: Sequence[str]) -> bytes:
        """Many card photos at once: the body of the answer, a
        ``protocol.wire_photos.PhotoBatchAnswer`` on the wire."""
        response = self._request(
            "POST",
            PHOTOS_PATH,
            content=orjson.dumps(PhotoBatchRequest(kiosk_id, tuple(digests)).to_dict()),
            headers={"content-type": "application/json"},
        )
        return bytes(response.content)

    def events(self, kiosk_id: str, after: int, limit: int) -> dict[str, Any]:
        """The kiosk's own chain at the central after ``after`` (a restored kiosk)."""
        return self._call(
            "GET", EVENTS_PATH, params=EventsQuery(kiosk_id, after, limit).to_params()
        )

    def push_blocks(self, kiosk_id: str, events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """Blocks of a diverged journal, outside its chain (``protocol.outside_chain``)."""
        return self._call(
            "POST",
            BLOCKS_PATH,
            content=json.dumps(PushRequest(kiosk_id, events).to_dict()).encode("utf-8"),
            headers={"content-type": "application/json"},
        )

    def report_divergence(self, report: DivergenceReport) -> dict[str, Any]:
        return self._call(
            "POST",
            DIVERGENCE_PATH,
            content=json.dumps(report.to_dict()).encode("utf-8"),
            headers={"content-type": "application/json"},
        )

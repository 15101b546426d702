"""Blocks sent outside the chain: ``POST /v1/blocks`` (R9, issue 17).

A kiosk whose journal is diverged pushes nothing into its chain at the central, but a
block must still reach it: the kiosk sends its pending ``card.blocked`` events, signed
as they are, to this endpoint. The request has the push's shape
(``protocol.wire.PushRequest``); the answer has one ``EventResult`` per event with
status ``accepted``, ``rejected`` or ``invalid`` (never ``gap``: no chain is involved).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from protocol.wire import EventResult, readable_results

BLOCKS_PATH = "/v1/blocks"


@dataclass(frozen=True)
class OutsideChainAnswer:
    """The central's answers for blocks received outside the chain."""

    kiosk_id: str
    results: list[EventResult]

    def to_dict(self) -> dict[str, Any]:
        return {"kiosk_id": self.kiosk_id, "results": [r.to_dict() for r in self.results]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OutsideChainAnswer:
        """Results this side cannot read are left out (those blocks go out again)."""
        return cls(str(data.get("kiosk_id", "")), readable_results(data))

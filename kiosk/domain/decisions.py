"""The shapes rules answer in: a ``Decision`` (allowed, or refused with a typed error) and
a ``Notice`` (a catalogue key with params, for what the clerk should tell the holder)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kiosk.errors import DomainError


@dataclass(frozen=True, slots=True, eq=False)
class Decision:
    """Allowed when ``refusal`` is None; otherwise the refusal says why and what to do."""

    refusal: DomainError | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    def __bool__(self) -> bool:
        return self.allowed

    def require(self) -> None:
        """Raise the refusal, if any."""
        if self.refusal is not None:
            raise self.refusal

    @classmethod
    def ok(cls) -> Decision:
        return cls(None)

    @classmethod
    def refuse(cls, refusal: DomainError) -> Decision:
        return cls(refusal)


@dataclass(frozen=True, slots=True)
class Notice:
    """Something to show or say: a catalogue key (``notice.*``) and its params."""

    key: str
    params: Mapping[str, str] = field(default_factory=dict)

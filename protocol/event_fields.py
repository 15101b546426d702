"""The text fields of a journal event and the form each must have (the central's
columns hold them): checked by ``protocol.event_format.SignedEvent.from_dict``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TextForm:
    """What a text field of an event must look like (the central's columns hold it)."""

    max_length: int
    pattern: re.Pattern[str] = re.compile(r"[^\x00-\x1f\x7f]+")  # no control characters
    nullable: bool = False


_HEX64 = re.compile(r"[0-9a-f]{64}")
FIELD_FORMS: Mapping[str, TextForm] = {
    "event_id": TextForm(36),
    "kiosk_id": TextForm(64),
    "occurred_at": TextForm(40),
    "operator": TextForm(64, re.compile(r"[^\x00-\x1f\x7f]*"), nullable=True),
    "event_type": TextForm(64),
    "prev_hash": TextForm(64, _HEX64),
    "hash": TextForm(64, _HEX64),
    "signature": TextForm(128, re.compile(r"[0-9a-f]{128}")),
}
V2_FIELD_FORMS: Mapping[str, TextForm] = {
    "payload_nonce": TextForm(32, re.compile(r"[0-9a-f]{32}")),
    "payload_digest": TextForm(64, _HEX64),
    "prev_signature": TextForm(128, re.compile(r"[0-9a-f]{128}")),
}


@dataclass(frozen=True)
class TextChecks:
    """The forms of some text fields, checked together: one regular expression over the
    values joined by newlines (no form takes a newline, so each value is one line, and a
    lookahead bounds its length) decides when every value is text; otherwise, or when it
    refuses, each field is checked alone for the first one off its form."""

    forms: Mapping[str, TextForm]

    def __post_init__(self) -> None:
        lines = (
            rf"(?=[^\n]{{0,{form.max_length}}}(?:\n|\Z))(?:{form.pattern.pattern})"
            for form in self.forms.values()
        )
        object.__setattr__(self, "_together", re.compile("\n".join(lines)).fullmatch)
        nullable = tuple(name for name, form in self.forms.items() if form.nullable)
        object.__setattr__(self, "_nullable", nullable)

    def texts(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The text fields; ``ValueError`` for the first off its form."""
        texts = {name: data[name] for name in self.forms}
        lines = dict(texts)
        for name in self._nullable:  # type: ignore[attr-defined]
            if lines[name] is None:
                lines[name] = ""  # null passes; should "" not, each field is checked alone
        try:
            if self._together("\n".join(lines.values())):  # type: ignore[attr-defined]
                return texts
        except TypeError:  # a value that is not text
            pass
        for name, form in self.forms.items():
            value = texts[name]
            if value is None and form.nullable:
                continue
            if not (
                isinstance(value, str)
                and len(value) <= form.max_length
                and form.pattern.fullmatch(value)
            ):
                raise ValueError(f"not a journal event: {name} has the wrong type or form")
        return texts


TEXT_CHECKS = TextChecks(FIELD_FORMS)
V2_TEXT_CHECKS = TextChecks(V2_FIELD_FORMS)


def text_fields(data: Mapping[str, Any], checks: TextChecks) -> dict[str, Any]:
    """The text fields ``checks`` names; ``ValueError`` for the first off its form."""
    return checks.texts(data)

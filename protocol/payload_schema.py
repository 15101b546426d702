"""How the payload of an event type is described and checked.

A :class:`PayloadSchema` names every field a payload may carry, its JSON type, whether
it must be there and whether it may be ``null``. :meth:`PayloadSchema.check` raises a
:class:`PayloadError` subclass for the first problem it finds; the error names the
event type and the field, never a value (payloads carry names and personal identity
numbers).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cached_property

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class JsonType(Enum):
    """The JSON types payload fields use."""

    STRING = "a string"
    INTEGER = "an integer"
    BOOLEAN = "true or false"
    STRING_LIST = "a list of strings"
    DATE = "a date (YYYY-MM-DD)"

    def holds(self, value: object) -> bool:
        return _HOLDS[self](value)


def _is_string_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# each type's test, looked up once per field rather than through a chain of comparisons
_HOLDS: Mapping[JsonType, Callable[[object], bool]] = {
    JsonType.STRING: lambda value: isinstance(value, str),
    JsonType.DATE: lambda value: isinstance(value, str) and _is_iso_date(value),
    JsonType.INTEGER: lambda value: isinstance(value, int) and not isinstance(value, bool),
    JsonType.BOOLEAN: lambda value: isinstance(value, bool),
    JsonType.STRING_LIST: _is_string_list,
}


def _is_iso_date(text: str) -> bool:
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class FieldSpec:
    """One payload field: its type, whether it must be present, whether it may be null."""

    type: JsonType
    required: bool = True
    nullable: bool = False


def required(kind: JsonType, *, nullable: bool = False) -> FieldSpec:
    return FieldSpec(kind, required=True, nullable=nullable)


def optional(kind: JsonType, *, nullable: bool = False) -> FieldSpec:
    return FieldSpec(kind, required=False, nullable=nullable)


class PayloadError(ValueError):
    """A payload that does not fit the schema of its event type."""

    def __init__(self, event_type: str, problem: str, field: str | None = None) -> None:
        self.event_type = event_type
        self.field = field
        self.problem = problem
        super().__init__(f"{event_type}: {problem}")


class UnknownEventTypeError(PayloadError):
    def __init__(self, event_type: str) -> None:
        super().__init__(event_type, "not a known event type")


class PayloadNotObjectError(PayloadError):
    def __init__(self, event_type: str) -> None:
        super().__init__(event_type, "the payload is not a JSON object")


class MissingFieldError(PayloadError):
    def __init__(self, event_type: str, field: str) -> None:
        super().__init__(event_type, f"field {field!r} is missing", field)


class UnexpectedFieldError(PayloadError):
    def __init__(self, event_type: str, field: str) -> None:
        super().__init__(event_type, f"field {field!r} is not part of this event type", field)


class FieldTypeError(PayloadError):
    def __init__(self, event_type: str, field: str, spec: FieldSpec) -> None:
        wanted = spec.type.value + (" or null" if spec.nullable else "")
        super().__init__(event_type, f"field {field!r} must be {wanted}", field)


@dataclass(frozen=True)
class PayloadSchema:
    """The fields of one event type's payload; no other field is allowed."""

    fields: Mapping[str, FieldSpec]

    @cached_property
    def required_fields(self) -> frozenset[str]:
        return frozenset(name for name, spec in self.fields.items() if spec.required)

    @cached_property
    def _type_checks(self) -> tuple[tuple[str, FieldSpec, Callable[[object], bool]], ...]:
        return tuple((name, spec, _HOLDS[spec.type]) for name, spec in self.fields.items())

    def check(self, event_type: str, payload: object) -> None:
        """Raise a :class:`PayloadError` for the first field that does not fit: missing
        fields first, then fields the type does not have, then wrong types (each in
        schema order, so the answer for one payload is always the same)."""
        if not isinstance(payload, Mapping):
            raise PayloadNotObjectError(event_type)
        keys = payload.keys()
        if not (self.required_fields <= keys <= self.fields.keys()):
            for name, spec in self.fields.items():
                if spec.required and name not in payload:
                    raise MissingFieldError(event_type, name)
            for name in sorted(str(key) for key in payload):
                if name not in self.fields:
                    raise UnexpectedFieldError(event_type, name)
        for name, spec, holds in self._type_checks:
            if name not in payload:
                continue
            value = payload[name]
            if value is None and spec.nullable:
                continue
            if not holds(value):
                raise FieldTypeError(event_type, name, spec)

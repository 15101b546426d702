"""JSON as the wire takes it: strict, bounded, and with a reason when it is refused.

Every body the central receives is decoded here (``decode_body``), before anything looks
at its shape, so every later step sees only values that hash, store and answer cleanly:

* the bytes are UTF-8 and the text is JSON (``json.loads``);
* no ``NaN``, ``Infinity`` or ``-Infinity`` (Python accepts them; JSON does not), no
  number that overflows to infinity (``1e999``), no integer outside the signed 64-bit
  range (sequence numbers and change ids are BIGINT columns);
* no string (key or value) with an unpaired surrogate (``"\\ud800"``): it cannot be
  encoded as UTF-8, so it could not be hashed or stored;
* nesting at most :data:`MAX_DEPTH` deep and at most :data:`MAX_CONTAINERS` objects and
  arrays in all (counted on the raw bytes before parsing, brackets inside strings
  included, so the count is an upper bound: 60 MB of ``{}`` is refused before it
  becomes millions of dictionaries).

A refusal is :class:`StrictJsonError` with a short reason that never quotes the body.

The fast path decodes with orjson, which already refuses what the rules refuse about text
(not UTF-8, unpaired surrogates, ``NaN``, infinities), and then walks only the containers
(depth, integer range). Whenever orjson refuses a body, or the value holds a float (orjson
reads an integer beyond 64 bits as a float, so a float could hide one), the body is
decoded again by the standard library with every rule above: a refusal's reason, and what
is accepted, are exactly the standard library path's.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

MAX_DEPTH = 32
MAX_CONTAINERS = 100_000
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


class StrictJsonError(ValueError):
    """A body that is not strict JSON; ``reason`` says why (never quoting the body)."""

    def __init__(self, reason: str, *, too_large: bool = False) -> None:
        self.reason = reason
        self.too_large = too_large
        super().__init__(reason)


def _no_constant(name: str) -> Any:
    raise StrictJsonError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise StrictJsonError("a number out of range")
    return value


def decode_body(body: bytes | bytearray) -> Any:
    """The decoded JSON value of ``body``; :class:`StrictJsonError` when it is not strict
    JSON within the bounds above."""
    containers = body.count(b"{") + body.count(b"[")
    if containers > MAX_CONTAINERS:
        raise StrictJsonError(
            f"more than {MAX_CONTAINERS} objects and arrays in one body", too_large=True
        )
    try:
        value = orjson.loads(body)
        if not isinstance(value, dict | list) or _holds_float(value):
            return _decode_exactly(body)
    except (orjson.JSONDecodeError, StrictJsonError):
        return _decode_exactly(body)  # refused: for the standard library's reason
    return value


def _holds_float(value: dict[str, Any] | list[Any]) -> bool:
    """Depth and integers of a container orjson decoded (its strings are valid already);
    True when it holds a float (then only the standard library's decoding can tell an
    integer beyond 64 bits)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise StrictJsonError(f"nested deeper than {MAX_DEPTH} levels")
        for child in item.values() if type(item) is dict else item:
            kind = type(child)
            if kind is str:  # most values: nothing to check (orjson checked the text)
                continue
            if kind is dict or kind is list:
                stack.append((child, depth + 1))
            elif kind is int:
                if not INT64_MIN <= child <= INT64_MAX:
                    raise StrictJsonError("an integer outside the 64-bit range")
            elif kind is float:
                return True
    return False


def _decode_exactly(body: bytes | bytearray) -> Any:
    """The standard library's decoding with every rule of the module docstring."""
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        raise StrictJsonError("the body is not UTF-8") from None
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except StrictJsonError:
        raise
    except RecursionError:
        raise StrictJsonError(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        raise StrictJsonError("the body is not JSON") from None
    check_value(value)
    return value


def check_value(value: Any) -> None:
    """Depth, strings and integers of a decoded value (iteratively: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, bool) or item is None or isinstance(item, float):
            continue
        elif isinstance(item, int):
            if not INT64_MIN <= item <= INT64_MAX:
                raise StrictJsonError("an integer outside the 64-bit range")
        elif isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise StrictJsonError(f"nested deeper than {MAX_DEPTH} levels")
            if isinstance(item, dict):
                for key in item:
                    _check_text(key)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)


def _check_text(text: str) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise StrictJsonError("a string with an unpaired surrogate") from None

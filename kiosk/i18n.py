"""The one string catalogue: Swedish by default, English on request.

Strings live in ``kiosk/locale/<lang>/<area>.toml`` (flat ``key = "text"`` tables; dotted
keys allowed). Each area file exists in every language with the same keys; a test checks
it. Texts use ``str.format`` placeholders.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Protocol

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"


class UserFacing(Protocol):
    key: str
    hint_key: str | None
    params: dict[str, Any]


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, str]) -> None:
    for name, value in table.items():
        full = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Mapping):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@cache
def load_language(lang: str) -> Mapping[str, str]:
    """All keys of one language, merged over its area files."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    texts: dict[str, str] = {}
    folder = resources.files("kiosk.locale").joinpath(lang)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            _flatten("", tomllib.loads(entry.read_text(encoding="utf-8")), texts)
    return texts


class Catalogue:
    """Looks up texts in one language; a missing key shows itself rather than crash."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang
        self._texts = load_language(lang)

    def __call__(self, key: str, **params: Any) -> str:
        text = self._texts.get(key)
        if text is None:
            return f"⟨{key}⟩"
        return text.format(**params) if params else text

    def has(self, key: str) -> bool:
        return key in self._texts

    def error(self, exc: BaseException) -> str:
        """The clerk-readable text of any typed error, with its hint when it has one."""
        key = getattr(exc, "key", None)
        if not isinstance(key, str):
            return self("error.unexpected")
        params: dict[str, Any] = getattr(exc, "params", {}) or {}
        text = self(key, **params)
        hint_key = getattr(exc, "hint_key", None)
        if isinstance(hint_key, str):
            text = f"{text} {self(hint_key, **params)}"
        return text

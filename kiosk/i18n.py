"""The one string catalogue: Swedish by default, English on request.

The texts are gettext catalogues with key-based msgids (the msgid is the key, such as
``"ui.lookup.none"``): ``kiosk/locale/<lang>/LC_MESSAGES/kiosk.po`` for translators and
the compiled ``kiosk.mo`` beside it, which is what the kiosk reads (standard library
``gettext``, no extra dependency). ``kiosk/locale/kiosk.pot`` is the template. Texts use
``str.format`` placeholders. A counted text (tries left, events checked) has plural forms
(``msgid_plural``); ``Catalogue.plural(key, n, **params)`` picks the form for ``n``, and a
plain call picks it from the first counting parameter it is given (``COUNT_PARAMS``).
``tools/catalogue.py`` builds, checks and compiles the files; a test checks them.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any, Protocol

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
DOMAIN = "kiosk"
# The parameters that count something, in the order a plain call looks for them.
COUNT_PARAMS = ("count", "tries_left", "n", "events", "blocks", "days")


class UserFacing(Protocol):
    key: str
    hint_key: str | None
    params: dict[str, Any]


class _Texts:
    """One compiled catalogue: its singular texts, its plural forms and its plural rule."""

    def __init__(self, translations: gettext.GNUTranslations) -> None:
        catalog: dict[Any, str] = vars(translations)["_catalog"]
        self.singular = {k: v for k, v in catalog.items() if isinstance(k, str) and k}
        forms: dict[str, dict[int, str]] = {}
        for key, value in catalog.items():
            if isinstance(key, tuple):
                forms.setdefault(key[0], {})[key[1]] = value
        self.plurals = {k: tuple(v[i] for i in sorted(v)) for k, v in forms.items()}
        self.rule: Callable[[int], int] = vars(translations)["plural"]


@cache
def _compiled(lang: str) -> _Texts:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    data = resources.files("kiosk.locale").joinpath(lang, "LC_MESSAGES", f"{DOMAIN}.mo")
    return _Texts(gettext.GNUTranslations(io.BytesIO(data.read_bytes())))


@cache
def load_language(lang: str) -> Mapping[str, str]:
    """Every key of one language with its text (a counted text: its plural form)."""
    texts = _compiled(lang)
    return {**texts.singular, **{key: forms[-1] for key, forms in texts.plurals.items()}}


class Catalogue:
    """Looks up texts in one language; a missing key shows itself rather than crash."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang
        self._texts = _compiled(lang)

    def __call__(self, key: str, **params: Any) -> str:
        if key in self._texts.plurals:
            count = next((params[p] for p in COUNT_PARAMS if isinstance(params.get(p), int)), 2)
            return self.plural(key, count, **params)
        text = self._texts.singular.get(key)
        if text is None:
            return f"⟨{key}⟩"
        return text.format(**params) if params else text

    def plural(self, key: str, n: int, **params: Any) -> str:
        """The form of a counted text for ``n`` (``params`` fill its placeholders)."""
        forms = self._texts.plurals.get(key)
        if forms is None:
            return self(key, **params) if key in self._texts.singular else f"⟨{key}⟩"
        text = forms[min(self._texts.rule(n), len(forms) - 1)]
        return text.format(**params) if params else text

    def has(self, key: str) -> bool:
        return key in self._texts.singular or key in self._texts.plurals

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

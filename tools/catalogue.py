"""The string catalogue's tools: TOML import, ``.pot`` extraction, ``.mo`` compilation, checks.

Run from the repository root (Babel is a dev dependency; the kiosk itself reads the
compiled ``.mo`` files with the standard library)::

    python -m tools.catalogue import-toml [kiosk/locale]  # <lang>/*.toml into the .po, then rm
    python -m tools.catalogue extract                     # kiosk/locale/kiosk.pot from code and .po
    python -m tools.catalogue compile                     # kiosk/locale/<lang>/LC_MESSAGES/kiosk.mo
    python -m tools.catalogue check                       # what is wrong, exit status 1 if anything

``import-toml`` also extracts and compiles, so after it the files are consistent. A TOML key
that is already a counted text (plural forms) in the ``.po`` keeps its plural forms: the
command says so and the plural forms are to be edited in the ``.po``.
"""

from __future__ import annotations

import argparse
import contextlib
import gettext
import io
import re
import string
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "kiosk" / "locale"
LANGUAGES = ("sv", "en")
DOMAIN = "kiosk"
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
# The product packages the keys are extracted from, and the calls whose first argument is a key.
CODE_PACKAGES = ("kiosk", "screens", "devices", "store", "central", "protocol")
KEYWORDS: Mapping[str, Any] = {"t": None, "text": None, "catalogue": None, "plural": None}
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
AREA_COMMENT = "area: "


def po_path(locale: Path, lang: str) -> Path:
    return locale / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: Path, lang: str) -> Path:
    return po_path(locale, lang).with_suffix(".mo")


def pot_path(locale: Path) -> Path:
    return locale / f"{DOMAIN}.pot"


def new_catalogue(lang: str | None) -> Catalog:
    catalog = Catalog(locale=lang, domain=DOMAIN, project="card-office-kiosk", fuzzy=False)
    catalog.charset = "utf-8"
    return catalog


def read_catalogue(path: Path, lang: str | None) -> Catalog:
    if not path.exists():
        return new_catalogue(lang)
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def write_catalogue(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, sort_output=True, include_lineno=False)
    path.write_bytes(buffer.getvalue())


def area_of(message: Message) -> str | None:
    for comment in message.user_comments:
        if comment.startswith(AREA_COMMENT):
            return comment.removeprefix(AREA_COMMENT)
    return None


def key_of(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def messages(catalog: Catalog) -> dict[str, Message]:
    """The catalogue's messages by key (the header left out)."""
    return {key_of(m): m for m in catalog if m.id}


def forms(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, tuple | list):
        return tuple(message.string)
    return (message.string or "",)


def fields(text: str, lang: str | None = None) -> set[str]:
    """The placeholders of ``text``; ``name_<lang>`` (a parameter given in each language,
    such as ``action_sv``/``action_en``) counts as ``name_*``."""
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    if lang is None:
        return names
    return {n.removesuffix(f"_{lang}") + "_*" if n.endswith(f"_{lang}") else n for n in names}


def _flatten(prefix: str, table: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for name, value in table.items():
        full = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Mapping):
            yield from _flatten(full, value)
        else:
            yield full, str(value)


def import_toml(locale: Path = LOCALE) -> list[str]:
    """Merges every ``<lang>/<area>.toml`` into the language's ``.po`` and deletes it."""
    notes: list[str] = []
    for lang in LANGUAGES:
        files = sorted((locale / lang).glob("*.toml"))
        if not files:
            continue
        catalog = read_catalogue(po_path(locale, lang), lang)
        for path in files:
            area = path.stem
            for key, text in _flatten("", tomllib.loads(path.read_text(encoding="utf-8"))):
                existing = catalog.get(key)
                if existing is not None and existing.pluralizable:
                    if text not in forms(existing):
                        notes.append(f"{lang}: {key} has plural forms in the .po; edit them there")
                    continue
                if existing is not None:
                    del catalog[key]
                if not text:
                    # gettext has no empty translation: a caller asks has(key) instead
                    notes.append(f"{lang}: {key} is empty and was left out")
                    continue
                catalog.add(key, string=text, user_comments=[f"{AREA_COMMENT}{area}"])
        write_catalogue(catalog, po_path(locale, lang))
        for path in files:
            path.unlink()
        notes.append(f"{lang}: merged {', '.join(p.name for p in files)}")
    extract(locale)
    compile_all(locale)
    return notes


def code_keys(root: Path = ROOT) -> dict[str, set[str]]:
    """Every literal key passed to the catalogue in the product code, with its files."""
    prefixes = {key.split(".")[0] for key in messages(read_catalogue(po_path(LOCALE, "sv"), "sv"))}
    found: dict[str, set[str]] = {}
    for package in CODE_PACKAGES:
        with contextlib.redirect_stderr(io.StringIO()):  # its notes on f-strings
            extracted = list(
                extract_from_dir(
                    root / package, method_map=[("**.py", "python")], keywords=KEYWORDS
                )
            )
        for filename, _line, message, _comments, _context in extracted:
            key = message[0] if isinstance(message, tuple) else message
            if isinstance(key, str) and KEY.match(key) and key.split(".")[0] in prefixes:
                found.setdefault(key, set()).add(f"{package}/{filename}")
    return found


def template(locale: Path = LOCALE, root: Path = ROOT) -> Catalog:
    """The ``.pot``: every key of the catalogue (many are built at run time, such as an
    error's ``key``) and every key the code passes literally, with where it does."""
    pot = new_catalogue(None)
    pot.fuzzy = True
    used = code_keys(root)
    source = messages(read_catalogue(po_path(locale, "sv"), "sv"))
    for key in sorted(set(source) | set(used)):
        message = source.get(key)
        msgid: Any = message.id if message is not None else key
        comments = message.user_comments if message is not None else []
        locations = [(name, 0) for name in sorted(used.get(key, ()))]
        pot.add(msgid, locations=locations, user_comments=comments)
    return pot


def extract(locale: Path = LOCALE) -> None:
    write_catalogue(template(locale), pot_path(locale))


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all(locale: Path = LOCALE) -> None:
    for lang in LANGUAGES:
        catalog = read_catalogue(po_path(locale, lang), lang)
        mo_path(locale, lang).write_bytes(compiled(catalog))


def _loaded(data: bytes) -> dict[Any, str]:
    catalog: dict[Any, str] = vars(gettext.GNUTranslations(io.BytesIO(data)))["_catalog"]
    return catalog


def check(locale: Path = LOCALE, root: Path = ROOT) -> list[str]:
    """Everything wrong with the catalogue files; empty when they are right."""
    problems: list[str] = []
    catalogs = {lang: read_catalogue(po_path(locale, lang), lang) for lang in LANGUAGES}
    entries = {lang: messages(catalog) for lang, catalog in catalogs.items()}
    for lang, catalog in catalogs.items():
        if not po_path(locale, lang).exists():
            problems.append(f"{lang}: no {po_path(locale, lang)}")
            continue
        if catalog.plural_forms != PLURAL_FORMS:
            problems.append(f"{lang}: Plural-Forms is {catalog.plural_forms!r}")
        problems += [f"{lang}: leftover {p.name}" for p in sorted((locale / lang).glob("*.toml"))]
        for message, errors in catalog.check():
            problems += [f"{lang}: {key_of(message)}: {error}" for error in errors]
        for key, message in entries[lang].items():
            if message.fuzzy:
                problems.append(f"{lang}: {key} is marked fuzzy")
            if not all(forms(message)):
                problems.append(f"{lang}: {key} is not translated")
            if message.pluralizable and len(forms(message)) != catalog.num_plurals:
                problems.append(f"{lang}: {key} has {len(forms(message))} plural forms")
            if area_of(message) is None:
                problems.append(f"{lang}: {key} names no area")
        mo = mo_path(locale, lang)
        if not mo.exists() or _loaded(mo.read_bytes()) != _loaded(compiled(catalog)):
            problems.append(f"{lang}: {mo.name} is not compiled from the .po (run compile)")
    sv, en = entries["sv"], entries["en"]
    problems += [f"en: {key} missing" for key in sorted(set(sv) - set(en))]
    problems += [f"sv: {key} missing" for key in sorted(set(en) - set(sv))]
    for key in sorted(set(sv) & set(en)):
        problems += _compare(key, sv[key], en[key])
    pot = messages(read_catalogue(pot_path(locale), None))
    if set(pot) != set(sv) | set(en):
        problems.append("kiosk.pot is out of date (run extract)")
    for key, files in sorted(code_keys(root).items()):
        if key not in sv:
            problems.append(f"{key} (used in {', '.join(sorted(files))}) is not in the catalogue")
    return problems


def _compare(key: str, sv: Message, en: Message) -> Iterable[str]:
    if sv.pluralizable != en.pluralizable:
        yield f"{key}: plural forms in one language only"
    if area_of(sv) != area_of(en):
        yield f"{key}: area {area_of(sv)} in sv, {area_of(en)} in en"
    sv_fields = set().union(*(fields(text, "sv") for text in forms(sv)))
    en_fields = set().union(*(fields(text, "en") for text in forms(en)))
    if sv_fields != en_fields:
        yield f"{key}: placeholders {sorted(sv_fields)} in sv, {sorted(en_fields)} in en"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.catalogue", description=__doc__)
    parser.add_argument("command", choices=["import-toml", "extract", "compile", "check"])
    parser.add_argument("locale", nargs="?", type=Path, default=LOCALE)
    args = parser.parse_args(argv)
    if args.command == "import-toml":
        print("\n".join(import_toml(args.locale)) or "no TOML files left")
    elif args.command == "extract":
        extract(args.locale)
    elif args.command == "compile":
        compile_all(args.locale)
    problems = check(args.locale)
    print("\n".join(problems) or "catalogue ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""The words sphinx-kb writes on pages itself ("3 articles", "5 min read", the pager, the
breadcrumbs, the search page, the 404 page), in the site's language.

The catalogs are gettext `.po` files in `sphinx_kb/locale/<language>/LC_MESSAGES/sphinx-kb.po`
(docs/configuration.md, "Languages"), compiled in memory when a build first needs them: Babel, a
dependency of Sphinx, reads them, so no compiled `.mo` file can fall behind its `.po`. A
language without a catalog gets the English words; dates follow the language whenever Babel
knows it. Messages are `str.format` templates: `{count} articles`.

Kept apart from Sphinx's own translator, which serves one language per build: a page's wording
is asked for by language, so a page in another language than the site's can have its own.
"""

from __future__ import annotations

import datetime
import gettext
import io
import json
from functools import cache, cached_property
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "sphinx-kb"
# The messages kb-search.js shows are those the catalog locates in it: the page carries them.
BROWSER_SCRIPT = "kb-search.js"


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    """The languages sphinx-kb ships words for, besides English."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _candidates(language: str) -> list[str]:
    """`de_AT` -> de_AT, de; `pt-BR` -> pt_BR, pt."""
    code = language.replace("-", "_")
    return [code, code.split("_")[0]] if "_" in code else [code]


@cache
def language_name(language: str) -> str:
    """A language's name in that language, as a reader looks for it: `Deutsch`, `Français`."""
    for code in _candidates(language):
        try:
            name = Locale.parse(code).get_display_name(code)
        except (UnknownLocaleError, ValueError):
            continue
        if name:
            return name[:1].upper() + name[1:]
    return language


@cache
def og_locale(language: str) -> str:
    """Open Graph's form of a language: `de_DE`, `en_US`, `pt_BR` (language_TERRITORY)."""
    code = language.replace("-", "_")
    if "_" in code:
        first, _, rest = code.partition("_")
        return f"{first.lower()}_{rest.upper()}"
    try:
        locale = Locale.parse(code)
        likely = Locale.parse(get_global("likely_subtags").get(locale.language, code))
        return f"{locale.language}_{likely.territory}" if likely.territory else locale.language
    except (UnknownLocaleError, ValueError):
        return code


@cache
def wording(language: str | None) -> Wording:
    return Wording(language or "en")


class Wording:
    """sphinx-kb's words in one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._translations: gettext.NullTranslations = gettext.NullTranslations()
        self._compiled: bytes | None = None
        self._browser: dict[str, str | dict[str, str]] = {}
        for code in _candidates(language):
            path = catalog_path(code)
            if path.is_file():
                with path.open("rb") as handle:
                    catalog = read_po(handle, locale=code, domain=DOMAIN)
                compiled = io.BytesIO()
                write_mo(compiled, catalog)
                self._compiled = compiled.getvalue()
                self._translations = gettext.GNUTranslations(io.BytesIO(self._compiled))
                for message in catalog:
                    if message.id and any(Path(file).name == BROWSER_SCRIPT for file, _ in message.locations):
                        self._browser_message(message.id)
                break
        self._locale: Locale | None = None
        for code in _candidates(language):
            try:
                self._locale = Locale.parse(code)
                break
            except (UnknownLocaleError, ValueError):
                continue

    def new_translations(self) -> gettext.GNUTranslations | None:
        """A translations object of its own (one that fallbacks may be added to), or None in English."""
        return gettext.GNUTranslations(io.BytesIO(self._compiled)) if self._compiled is not None else None

    def _browser_message(self, message: str | tuple[str, ...] | list[str]) -> None:
        if isinstance(message, str):
            self._browser[message] = self._translations.gettext(message)
            return
        singular, plural = message[0], message[1]
        # By the plural categories the browser's Intl.PluralRules gives ("many" falls back to "other").
        one, other = (self._translations.ngettext(singular, plural, n) for n in (1, 2))
        self._browser[singular] = {"one": one, "other": other}

    @cached_property
    def browser_json(self) -> str:
        """The translations kb-search.js needs, for a `<script type="application/json">`; "" in
        English (the script's own words)."""
        if not self._browser:
            return ""
        # `</` would end the script element early.
        return json.dumps(self._browser, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")

    def text(self, message: str, **values: object) -> str:
        """A message in this language, its `{placeholders}` filled in."""
        translated = self._translations.gettext(message)
        return translated.format(**values) if values else translated

    def count(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """A message whose form depends on `n` (given to it as `{count}`)."""
        return self._translations.ngettext(singular, plural, n).format(count=n, **values)

    def number(self, value: int) -> str:
        """`1,234`; `1.234` in German."""
        if self._locale is None:
            return f"{value:,}"
        return format_decimal(value, locale=self._locale)

    def date(self, value: datetime.date) -> str:
        """`March 3, 2025`; `3. März 2025` in German."""
        if self._locale is None:
            return f"{value:%B} {value.day}, {value.year}"
        return format_date(value, format="long", locale=self._locale)

    def moment(self, value: datetime.datetime) -> str:
        """`January 15, 2027, 09:00 CET`; `15. Januar 2027, 09:00 CET` in German."""
        time = f"{value:%H:%M}" if self._locale is None else format_time(value, "short", locale=self._locale)
        zone = value.tzname() or ""
        return f"{self.date(value.date())}, {time} {zone}".rstrip()

    def month(self, value: datetime.date) -> str:
        """`March 2025`; `März 2025` in German."""
        if self._locale is None:
            return f"{value:%B} {value.year}"
        return format_skeleton("yMMMM", value, locale=self._locale)

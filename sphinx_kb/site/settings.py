"""What the configuration says about the site as a whole, read by every layer of the build: its
name, its source layout, and the search engine in effect."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.builders.html import StandaloneHTMLBuilder

from sphinx_kb.content.options import layout_from
from sphinx_kb.content.wording import Wording, wording
from sphinx_kb.site.domain import get_catalog

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinx_kb.content.catalog import Layout


def site_name(app: Sphinx) -> str:
    """The knowledge base's name: the home page's title, og:site_name, the social cards."""
    return str(app.config.html_title or app.config.project)


def words(app: Sphinx) -> Wording:
    """sphinx-kb's words in the site's language (`language` in conf.py); a translation's page
    takes its own language's (pages/interface.py, page_language)."""
    return wording(app.config.language)


def home_description(app: Sphinx, language: str = "") -> str:
    """The home page's text in `language` ("": the site's): `kb_description`, or the language's
    entry of `kb_description_translations` (none rather than the site language's)."""
    if not language:
        return str(app.config.kb_description)
    return str(app.config.kb_description_translations.get(language, ""))


def page_language(app: Sphinx, pagename: str) -> str:
    """The language of a page under `<language>/` (a translation, a translated language's home,
    category, tag or archive page); "" for every other page (the site's language)."""
    catalog = get_catalog(app.env)
    if not catalog.layout.languages:
        return ""
    return catalog.for_page(pagename).layout.view


def layout(app: Sphinx) -> Layout:
    return layout_from(Path(app.srcdir), app.config)


def pagefind_binary(app: Sphinx) -> Path | None:
    """The Pagefind binary this build indexes with (chosen at config-inited by
    search/pagefind.py); None when the site uses Sphinx's search or the builder writes no HTML
    site. Here, not in search/, because the pages' structured data names the search page too."""
    builder = getattr(app, "builder", None)
    if not isinstance(builder, StandaloneHTMLBuilder) or builder.name not in ("html", "dirhtml"):
        return None
    return getattr(app, "kb_pagefind", None)

"""The words of the page templates in the page's language: `kb_("Home")` in sphinx-kb's templates
(page.html, search.html, the sidebar) gives sphinx-kb's word (content/wording.py); `_()` in
furo's and Sphinx's templates gives sphinx-kb's translation of furo's words (furo ships none),
else Sphinx's own."""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sphinx

from sphinx_kb.content.wording import Wording, language_name, wording
from sphinx_kb.pages import notfound
from sphinx_kb.site.domain import get_catalog
from sphinx_kb.site.settings import page_language, pagefind_binary

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx


def N_(message: str) -> str:  # noqa: N802 (gettext's name for "mark for translation")
    """Marks a message for `make messages` without translating it here."""
    return message


# furo's words: its templates' `_()`, which furo has no catalogs for (sphinx_kb/locale has).
THEME_MESSAGES = (
    N_("Next"),
    N_("Previous"),
    N_("On this page"),
    N_("Back to top"),
    N_("Edit this page"),
    N_("View this page"),
    N_("Index"),
    # The icons' titles (templates/partials/icons.html marks furo's for translation).
    N_("Contents"),
    N_("Menu"),
    N_("Expand"),
    N_("Light mode"),
    N_("Dark mode"),
    N_("Auto light/dark, in light mode"),
    N_("Auto light/dark, in dark mode"),
)
SPHINX_LOCALE = Path(sphinx.__file__).parent / "locale"


def theme_translations(app: Sphinx, language: str) -> gettext.NullTranslations:
    """What `_()` gives in the templates of a page in `language`: sphinx-kb's catalog first, then
    Sphinx's (the build's own translator for the site's language, with your `locale_dirs`)."""
    cache: dict[str, gettext.NullTranslations] = app.__dict__.setdefault("_kb_theme_translations", {})
    if language not in cache:
        site = language == (app.config.language or "en")
        base = (
            app.translator
            if site
            else gettext.translation("sphinx", SPHINX_LOCALE, [language], fallback=True)
        )
        ours = wording(language).new_translations()
        if ours is None:
            cache[language] = base
        else:
            ours.add_fallback(base)
            cache[language] = ours
    return cache[language]


def add_words(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """html-page-context: `kb_` for the templates, and kb-search.js's words (page.html), in the
    page's language; a translation's page says its language in `<html lang>`."""
    language = page_language(app, pagename)
    page_words = wording(language or app.config.language)
    context["kb_"] = page_words.text
    context["kb_words_json"] = page_words.browser_json
    if language:
        context["language"] = language
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None and hasattr(environment, "install_gettext_translations"):
        environment.install_gettext_translations(
            theme_translations(app, language or app.config.language or "en")
        )
    add_language_links(app, pagename, context, page_words)


def add_language_links(app: Sphinx, pagename: str, context: dict[str, Any], page_words: Wording) -> None:
    """The page's home (breadcrumbs), search page (the sidebar's box) and language switcher
    (page.html): each other language named in itself ("Deutsch"), leading to this page in it,
    else to its home page."""
    catalog = get_catalog(app.env)
    root_doc = app.config.root_doc
    layout = catalog.for_page(pagename).layout
    context["kb_home"] = layout.home_docname(root_doc)
    # Only Pagefind has a search page per language (Sphinx's search has one, in the site's).
    context["kb_search_page"] = layout.search_docname if pagefind_binary(app) is not None else "search"
    # The 404 page is served at any address: relative links would lead astray there.
    links = {} if notfound.is_404(app, pagename) else catalog.language_links(pagename, root_doc)
    if not links:
        return
    versions = catalog.page_versions(pagename, root_doc)
    context["kb_language_links"] = [
        {"href": app.builder.get_relative_uri(pagename, docname), "code": code, "name": language_name(code)}
        for code, docname in links.items()
    ]
    # "Also in:" when every link is this page in another language.
    same = all(versions.get(code) == docname for code, docname in links.items())
    context["kb_language_label"] = (
        page_words.text("Also in:") if same else page_words.text("Other languages:")
    )

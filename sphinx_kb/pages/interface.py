"""The words of sphinx-kb's page templates (page.html, search.html, the sidebar): `kb_("Home")`
in a template gives the word in the site's language (content/wording.py). Sphinx's own `_()` stays
for furo's and Sphinx's words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinx_kb.site.settings import translation_language, words

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx


def add_words(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """html-page-context: `kb_` for the templates, and kb-search.js's words (page.html), in the
    page's language; a translation's page says its language in `<html lang>`."""
    wording = words(app, pagename)
    context["kb_"] = wording.text
    context["kb_words_json"] = wording.browser_json
    language = translation_language(app, pagename)
    if language:
        context["language"] = language

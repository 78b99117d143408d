"""The tag pages' listing: the `kb-tags` directive lists every tag with its number of articles
(the tag index is content/tags.py; a tag's own pages are `kb-posts` listings)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from sphinx_kb.pages.listing import count_text, doc_link, page_catalog, remember

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class TagList(SphinxDirective):
    """`kb-tags`: every tag with its number of articles, sorted by name, linked to its page."""

    has_content = False
    option_spec: ClassVar[dict[str, object]] = {}

    def run(self) -> list[nodes.Node]:
        catalog, words = page_catalog(self.env)
        remember(self.env, "tags:")
        tags = list(catalog.tag_index.tags.values())
        if not tags:
            text = words.text("No tags yet.")
            return [nodes.paragraph(text, text)]
        listing = nodes.bullet_list(classes=["kb-tag-list"])
        for tag in tags:
            item = nodes.list_item(classes=["kb-tag-item"])
            line = nodes.paragraph()
            line += doc_link(self.env.docname, catalog.layout.tag_docname(tag.slug), tag.name, ["kb-tag"])
            line += nodes.Text(" ")
            count = count_text(len(tag.posts), words)
            line += nodes.inline(count, count, classes=["kb-count"])
            item += line
            listing += item
        return [listing]


def setup(app: Sphinx) -> None:
    app.add_directive("kb-tags", TagList)

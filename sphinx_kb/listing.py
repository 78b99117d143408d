"""Directives that render listings (post cards, category lists) from the catalog.

Generated pages pass a `:digest:` of what the listing shows, so a page's text, and so Sphinx's
decision to re-read it, changes exactly when its listing does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from sphinx_kb.domain import get_catalog
from sphinx_kb.post import Date

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from sphinx_kb.catalog import Catalog
    from sphinx_kb.post import Post


def human_date(value: Date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def doc_link(refdoc: str, target: str, text: str, classes: list[str] | None = None) -> addnodes.pending_xref:
    """A link to another page that Sphinx resolves for the builder (html or dirhtml)."""
    xref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget="/" + target,
        refexplicit=True,
        refwarn=True,
        refdoc=refdoc,
    )
    xref += nodes.inline(text, text, classes=classes or [])
    return xref


def count_text(count: int) -> str:
    return f"{count} article" if count == 1 else f"{count} articles"


def post_card(catalog: Catalog, post: Post, refdoc: str, show_category: bool) -> nodes.container:
    card = nodes.container(classes=["kb-post-card"])
    title = nodes.paragraph(classes=["kb-post-card-title"])
    title += doc_link(refdoc, catalog.layout.post_docname(post.slug), post.title)
    if post.is_draft:
        title += nodes.Text(" ")
        title += nodes.inline("Draft", "Draft", classes=["kb-badge", "kb-badge-draft"])
    card += title
    meta = nodes.paragraph(classes=["kb-post-card-meta"])
    parts: list[nodes.Node] = []
    if post.date:
        parts.append(nodes.inline(human_date(post.date), human_date(post.date), classes=["kb-date"]))
    if show_category:
        category = catalog.category_of(post)
        parts.append(
            doc_link(refdoc, catalog.layout.category_docname(category.slug), category.name, ["kb-category"])
        )
    for index, part in enumerate(parts):
        if index:
            meta += nodes.Text(" · ")
        meta += part
    if parts:
        card += meta
    if post.excerpt:
        card += nodes.paragraph(post.excerpt, post.excerpt, classes=["kb-post-card-excerpt"])
    return card


class PostList(SphinxDirective):
    """`kb-posts`: the posts of one category (`:category: slug`) or the latest (`:latest: N`)."""

    has_content = False
    option_spec: ClassVar[dict[str, object]] = {
        "category": directives.unchanged,
        "latest": directives.nonnegative_int,
        "digest": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        catalog = get_catalog(self.env)
        if "category" in self.options:
            slug = catalog.category_key(self.options["category"])
            if slug not in catalog.categories:
                known = ", ".join(c.name for c in catalog.categories.values())
                logger.warning(
                    "kb-posts: unknown category `%s` (known: %s)",
                    self.options["category"],
                    known,
                    type="kb",
                    subtype="directive",
                    location=self.get_location(),
                )
            posts = catalog.posts_in(slug)
            show_category = False
        else:
            posts = catalog.visible_posts[: self.options.get("latest", 10)]
            show_category = True
        listing = nodes.container(classes=["kb-post-list"])
        for post in posts:
            listing += post_card(catalog, post, self.env.docname, show_category)
        if not posts:
            listing += nodes.paragraph("No articles yet.", "No articles yet.")
        return [listing]


class CategoryList(SphinxDirective):
    """`kb-categories`: the subcategories of `:parent: slug`, or the top-level categories."""

    has_content = False
    option_spec: ClassVar[dict[str, object]] = {
        "parent": directives.unchanged,
        "digest": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        catalog = get_catalog(self.env)
        listing = nodes.bullet_list(classes=["kb-category-list"])
        for category in catalog.children(self.options.get("parent")):
            item = nodes.list_item(classes=["kb-category-card"])
            head = nodes.paragraph(classes=["kb-category-card-title"])
            head += doc_link(self.env.docname, catalog.layout.category_docname(category.slug), category.name)
            head += nodes.Text(" ")
            count = count_text(catalog.count(category.slug))
            head += nodes.inline(count, count, classes=["kb-count"])
            item += head
            if category.description:
                description = nodes.container(classes=["kb-category-card-description"])
                self.state.nested_parse(
                    StringList(category.description.splitlines()), self.content_offset, description
                )
                item += description
            listing += item
        return [listing]

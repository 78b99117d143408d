"""Directives that render listings (post cards, category lists) from the catalog.

Each page remembers a fingerprint of what its listings showed; when the catalog would show
something else, the page is re-read (generated and hand-written pages alike).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from sphinx_kb.domain import get_catalog, get_domain
from sphinx_kb.post import Date

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from sphinx_kb.catalog import Catalog
    from sphinx_kb.categories import Category
    from sphinx_kb.post import Post


def listed_posts(catalog: Catalog, key: str) -> list[Post]:
    """Posts a listing shows: `category:<slug>:<page>` or `latest:<n>`."""
    kind, _, argument = key.partition(":")
    if kind == "category":
        slug, _, page = argument.partition(":")
        return catalog.posts_on_page(slug, int(page or 1))
    return catalog.visible_posts[: int(argument)]


def listed_categories(catalog: Catalog, key: str) -> list[Category]:
    return catalog.children(key.partition(":")[2] or None)


def listing_digest(catalog: Catalog, key: str) -> str:
    """A fingerprint of everything a listing shows; when it changes the page must be re-read."""
    if key.startswith("categories:"):
        data: list[object] = [
            [c.slug, c.name, c.description, catalog.count(c.slug)] for c in listed_categories(catalog, key)
        ]
    else:
        data = [
            [p.slug, p.title, str(p.date), p.excerpt, catalog.category_of(p).name, p.status]
            for p in listed_posts(catalog, key)
        ]
        if key.startswith("category:"):
            data.append(catalog.pages_of(key.split(":")[1]))  # the pager
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def remember(env: BuildEnvironment, key: str) -> None:
    """Note that the page being read shows this listing, and what it showed."""
    listings = get_domain(env).data["listings"]
    listings.setdefault(env.docname, {})[key] = listing_digest(get_catalog(env), key)


def stale_listings(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """env-get-outdated: pages whose listings would show something else now must be re-read,
    hand-written pages using the directives included."""
    catalog = get_catalog(env)
    listings: dict[str, dict[str, str]] = get_domain(env).data["listings"]
    return [
        docname
        for docname, shown in listings.items()
        if docname not in removed and any(listing_digest(catalog, k) != d for k, d in shown.items())
    ]


def known_category(directive: SphinxDirective, catalog: Catalog, name: str) -> str:
    """The slug of a category given by name or slug; warns when there is no such category."""
    slug = catalog.category_key(name)
    if slug not in catalog.categories:
        logger.warning(
            "unknown category `%s` (known: %s)",
            name,
            ", ".join(c.name for c in catalog.categories.values()),
            type="kb",
            subtype="directive",
            location=directive.get_location(),
        )
    return slug


def human_date(value: Date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def doc_link(refdoc: str, target: str, text: str, classes: list[str] | None = None) -> nodes.Element:
    """A link to another page that Sphinx resolves for the builder (html or dirhtml).

    Classes go on a wrapping span: Sphinx rebuilds the link's own inline when it resolves it."""
    xref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget="/" + target,
        refexplicit=True,
        refwarn=True,
        refdoc=refdoc,
    )
    xref += nodes.inline(text, text)
    return nodes.inline("", "", xref, classes=classes) if classes else xref


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
    """`kb-posts`: the posts of one category (`:category: name or slug`, `:page: n`, with a pager)
    or the latest posts of the site (`:latest: n`)."""

    has_content = False
    option_spec: ClassVar[dict[str, object]] = {
        "category": directives.unchanged,
        "page": directives.positive_int,
        "latest": directives.nonnegative_int,
    }

    def run(self) -> list[nodes.Node]:
        catalog = get_catalog(self.env)
        slug = ""
        if "category" in self.options:
            slug = known_category(self, catalog, self.options["category"])
            key = f"category:{slug}:{self.options.get('page', 1)}"
        else:
            key = f"latest:{self.options.get('latest', 10)}"
        remember(self.env, key)
        posts = listed_posts(catalog, key)
        listing = nodes.container(classes=["kb-post-list"])
        for post in posts:
            listing += post_card(catalog, post, self.env.docname, show_category=not slug)
        if not posts:
            listing += nodes.paragraph("No articles yet.", "No articles yet.")
        result: list[nodes.Node] = [listing]
        if slug and catalog.pages_of(slug) > 1:
            result.append(self.pager(catalog, slug, self.options.get("page", 1)))
        return result

    def pager(self, catalog: Catalog, slug: str, page: int) -> nodes.Node:
        """Newer / page n of m / older links between a category's listing pages."""
        pages = catalog.pages_of(slug)
        pager = nodes.container(classes=["kb-pager"])
        line = nodes.paragraph()
        if page > 1:
            target = catalog.layout.category_docname(slug, page - 1)
            line += doc_link(self.env.docname, target, "← Newer articles", ["kb-pager-newer"])
            line += nodes.Text(" ")
        status = f"Page {page} of {pages}"
        line += nodes.inline(status, status, classes=["kb-pager-status"])
        if page < pages:
            line += nodes.Text(" ")
            target = catalog.layout.category_docname(slug, page + 1)
            line += doc_link(self.env.docname, target, "Older articles →", ["kb-pager-older"])
        pager += line
        return pager


class CategoryList(SphinxDirective):
    """`kb-categories`: the subcategories of `:parent: slug`, or the top-level categories."""

    has_content = False
    option_spec: ClassVar[dict[str, object]] = {"parent": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        catalog = get_catalog(self.env)
        parent = self.options.get("parent")
        key = f"categories:{known_category(self, catalog, parent) if parent else ''}"
        remember(self.env, key)
        listing = nodes.bullet_list(classes=["kb-category-list"])
        for category in listed_categories(catalog, key):
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

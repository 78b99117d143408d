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

from sphinx_kb.content import browse
from sphinx_kb.content.slugs import slugify
from sphinx_kb.content.tags import tag_links
from sphinx_kb.content.wording import Wording, wording
from sphinx_kb.site.domain import get_catalog, get_domain

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from sphinx_kb.content.catalog import Catalog
    from sphinx_kb.content.categories import Category
    from sphinx_kb.content.post import Post


def listed_posts(catalog: Catalog, key: str) -> list[Post]:
    """Posts a listing shows: `category:<slug>:<page>`, `tag:<slug>:<page>`, `archive:<page>`
    or `latest:<n>`."""
    kind, _, argument = key.partition(":")
    if kind == "category":
        slug, _, page = argument.partition(":")
        return catalog.posts_on_page(slug, int(page or 1))
    if kind == "tag":
        slug, _, page = argument.partition(":")
        return browse.tag_posts_on_page(catalog, slug, int(page or 1))
    if kind == "archive":
        return browse.archive_posts_on_page(catalog, int(argument or 1))
    if kind == "tags":
        return []
    return catalog.visible_posts[: int(argument)]


def listed_categories(catalog: Catalog, key: str) -> list[Category]:
    return catalog.children(key.partition(":")[2] or None)


def listing_digest(catalog: Catalog, key: str, words_per_minute: int) -> str:
    """A fingerprint of everything a listing shows; when it changes the page must be re-read.

    Cards show the reading time, not the word count: an edit that leaves the minutes alone
    re-reads no listing."""
    if key.startswith("categories:"):
        data: list[object] = [
            [c.slug, c.name, c.description, catalog.count(c.slug)] for c in listed_categories(catalog, key)
        ]
    elif key == "tags:":
        data = [[t.slug, t.name, len(t.posts)] for t in catalog.tag_index.tags.values()]
    else:
        data = [
            [
                p.slug,
                p.title,
                str(p.date),
                p.excerpt,
                catalog.category_of(p).name,
                p.status,
                str(p.scheduled),
                list(p.tags),
                p.reading_minutes(words_per_minute),
            ]
            for p in listed_posts(catalog, key)
        ]
        kind, _, argument = key.partition(":")
        if kind == "category":
            data.append(catalog.pages_of(argument.split(":")[0]))  # the pager
        elif kind == "tag":
            slug = argument.split(":")[0]
            tag = catalog.tag_index.tags.get(slug)
            data.append([browse.tag_pages_of(catalog, slug), tag.name if tag else ""])
        elif kind == "archive":
            data.append(browse.archive_pages_of(catalog))
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def page_catalog(env: BuildEnvironment) -> tuple[Catalog, Wording]:
    """The catalog as the page being read shows it (a page under `<language>/` lists that
    language's articles, Catalog.for_page), and the words of its language."""
    catalog = get_catalog(env).for_page(env.docname)
    return catalog, wording(catalog.layout.page_language)


def remember(env: BuildEnvironment, key: str) -> None:
    """Note that the page being read shows this listing, and what it showed."""
    listings = get_domain(env).data["listings"]
    catalog = get_catalog(env).for_page(env.docname)
    digest = listing_digest(catalog, key, env.config.kb_words_per_minute)
    listings.setdefault(env.docname, {})[key] = digest


def stale_listings(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """env-get-outdated: pages whose listings would show something else now must be re-read,
    hand-written pages using the directives included."""
    catalog = get_catalog(env)
    words_per_minute = env.config.kb_words_per_minute
    listings: dict[str, dict[str, str]] = get_domain(env).data["listings"]
    return [
        docname
        for docname, shown in listings.items()
        if docname not in removed
        and any(listing_digest(catalog.for_page(docname), k, words_per_minute) != d for k, d in shown.items())
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


def count_text(count: int, words: Wording) -> str:
    return words.count("{count} article", "{count} articles", count)


def reading_time_text(minutes: int, words: Wording) -> str:
    return words.text("{minutes} min read", minutes=minutes)


def tag_line(catalog: Catalog, post: Post, refdoc: str) -> nodes.inline:
    """The post's tags, each linked to its tag page."""
    line = nodes.inline(classes=["kb-tags"])
    for index, (text, slug) in enumerate(tag_links(post)):
        if index:
            line += nodes.Text(" ")
        line += doc_link(refdoc, catalog.layout.tag_docname(slug), text, ["kb-tag"])
    return line


def status_badge(post: Post, words: Wording) -> nodes.inline:
    """ "Draft", or "Scheduled" for an article that goes live later (preview builds only)."""
    if post.scheduled is not None:
        text = words.text("Scheduled")
        return nodes.inline(text, text, classes=["kb-badge", "kb-badge-draft", "kb-badge-scheduled"])
    text = words.text("Draft")
    return nodes.inline(text, text, classes=["kb-badge", "kb-badge-draft"])


def post_card(
    catalog: Catalog,
    post: Post,
    refdoc: str,
    show_category: bool,
    words: Wording,
    words_per_minute: int = 230,
) -> nodes.container:
    card = nodes.container(classes=["kb-post-card"])
    title = nodes.paragraph(classes=["kb-post-card-title"])
    title += doc_link(refdoc, catalog.layout.post_docname(post.slug), post.title)
    if post.is_draft:
        title += nodes.Text(" ")
        title += status_badge(post, words)
    card += title
    meta = nodes.paragraph(classes=["kb-post-card-meta"])
    parts: list[nodes.Node] = []
    if post.date:
        date = words.date(post.date)
        parts.append(nodes.inline(date, date, classes=["kb-date"]))
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
    # Reading time and tags: a line of their own, so the meta line keeps date and category only.
    details = nodes.paragraph(classes=["kb-post-card-details"])
    minutes = reading_time_text(post.reading_minutes(words_per_minute), words)
    details += nodes.inline(minutes, minutes, classes=["kb-reading-time"])
    if post.tags:
        details += nodes.Text(" · ")
        details += tag_line(catalog, post, refdoc)
    card += details
    return card


class PostList(SphinxDirective):
    """`kb-posts`: the posts of one category (`:category: name or slug`, `:page: n`, with a pager),
    of one tag (`:tag: text or slug`, `:page: n`) or the latest posts of the site (`:latest: n`)."""

    has_content = False
    option_spec: ClassVar[dict[str, object]] = {
        "category": directives.unchanged,
        "tag": directives.unchanged,
        "page": directives.positive_int,
        "latest": directives.nonnegative_int,
    }

    def run(self) -> list[nodes.Node]:
        catalog, words = page_catalog(self.env)
        slug = ""
        page = self.options.get("page", 1)
        docnames: list[str] = []
        if "category" in self.options:
            slug = known_category(self, catalog, self.options["category"])
            key = f"category:{slug}:{page}"
            docnames = [
                catalog.layout.category_docname(slug, n) for n in range(1, catalog.pages_of(slug) + 1)
            ]
        elif "tag" in self.options:
            tag = known_tag(self, catalog, self.options["tag"])
            key = f"tag:{tag}:{page}"
            pages = browse.tag_pages_of(catalog, tag)
            docnames = [catalog.layout.tag_docname(tag, n) for n in range(1, pages + 1)]
        else:
            key = f"latest:{self.options.get('latest', 10)}"
        remember(self.env, key)
        posts = listed_posts(catalog, key)
        listing = nodes.container(classes=["kb-post-list"])
        words_per_minute = self.config.kb_words_per_minute
        for post in posts:
            listing += post_card(catalog, post, self.env.docname, not slug, words, words_per_minute)
        if not posts:
            listing += empty_text(words)
        result: list[nodes.Node] = [listing]
        if len(docnames) > 1:
            result.append(pager(self.env.docname, docnames, page, words))
        return result


def empty_text(words: Wording) -> nodes.paragraph:
    text = words.text("No articles yet.")
    return nodes.paragraph(text, text)


def pager(refdoc: str, docnames: list[str], page: int, words: Wording) -> nodes.Node:
    """Newer / page n of m / older links between the numbered pages of one listing."""
    pages = len(docnames)
    box = nodes.container(classes=["kb-pager"])
    line = nodes.paragraph()
    if page > 1:
        newer = words.text("← Newer articles")
        line += doc_link(refdoc, docnames[page - 2], newer, ["kb-pager-newer"])
        line += nodes.Text(" ")
    status = words.text("Page {page} of {pages}", page=page, pages=pages)
    line += nodes.inline(status, status, classes=["kb-pager-status"])
    if page < pages:
        line += nodes.Text(" ")
        older = words.text("Older articles →")
        line += doc_link(refdoc, docnames[page], older, ["kb-pager-older"])
    box += line
    return box


def known_tag(directive: SphinxDirective, catalog: Catalog, text: str) -> str:
    """The slug of a tag given by its text or slug; warns when no visible post has it."""
    slug = slugify(text)
    if slug not in catalog.tag_index.tags:
        logger.warning(
            "no article has the tag `%s`; check its spelling in the `:tag:` option",
            text,
            type="kb",
            subtype="directive",
            location=directive.get_location(),
        )
    return slug


class CategoryList(SphinxDirective):
    """`kb-categories`: the subcategories of `:parent: slug`, or the top-level categories."""

    has_content = False
    option_spec: ClassVar[dict[str, object]] = {"parent": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        catalog, words = page_catalog(self.env)
        parent = self.options.get("parent")
        key = f"categories:{known_category(self, catalog, parent) if parent else ''}"
        remember(self.env, key)
        listing = nodes.bullet_list(classes=["kb-category-list"])
        for category in listed_categories(catalog, key):
            item = nodes.list_item(classes=["kb-category-card"])
            head = nodes.paragraph(classes=["kb-category-card-title"])
            head += doc_link(self.env.docname, catalog.layout.category_docname(category.slug), category.name)
            head += nodes.Text(" ")
            count = count_text(catalog.count(category.slug), words)
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
